# A job is imported with its ARM ID. Azure never returns its secrets (secret variables, the registry password,
# storage keys): keep them in the configuration, and the first apply after the import records them in place,
# without replacing (re-running) the job.
terraform import batchai_job.example /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/batchai-rg/providers/Microsoft.BatchAI/workspaces/research/experiments/resnet/jobs/train
