# The ID is the job's ARM ID (segment names such as resourceGroups may be in any case).
import {
  to = batchai_job.example
  id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/batchai-rg/providers/Microsoft.BatchAI/workspaces/research/experiments/resnet/jobs/train"
}
