# The ID is the file server's ARM ID (segment names such as resourceGroups and fileServers may be in any case).
import {
  to = batchai_file_server.example
  id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/batchai-rg/providers/Microsoft.BatchAI/workspaces/research/fileServers/nfs"
}
