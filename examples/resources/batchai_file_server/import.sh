# A file server is imported with its ARM ID (the service spells the type "fileservers": either spelling works).
# Azure never returns its password or SSH key: keep them in the configuration, and the first apply after the
# import records them in place, without replacing the file server.
terraform import batchai_file_server.example /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/batchai-rg/providers/Microsoft.BatchAI/workspaces/research/fileServers/nfs
