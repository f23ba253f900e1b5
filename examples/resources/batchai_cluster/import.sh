# A cluster is imported with its ARM ID (or, with Terraform >= 1.12, its identity in an import block). Azure
# never returns its secrets (passwords, SSH keys, storage and App Insights keys, setup-task secret values): a
# configuration without them imports with no change, and they are only needed to create the cluster again; a
# configuration with them records them (and any *_wo_version) in place at the first apply, without replacing it.
terraform import batchai_cluster.example /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/batchai-rg/providers/Microsoft.BatchAI/workspaces/research/clusters/gpu
