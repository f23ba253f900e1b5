# A cluster is imported with its ARM ID. Azure never returns its secrets (passwords, SSH keys, storage and App
# Insights keys, setup-task secret values): keep them in the configuration, and the first apply after the import
# records them (and any *_wo_version) in place, without replacing the cluster.
terraform import batchai_cluster.example /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/batchai-rg/providers/Microsoft.BatchAI/workspaces/research/clusters/gpu
