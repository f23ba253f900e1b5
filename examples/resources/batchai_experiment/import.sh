# An experiment is imported with its ARM ID.
terraform import batchai_experiment.example /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/batchai-rg/providers/Microsoft.BatchAI/workspaces/research/experiments/resnet
