# The nodes of a cluster that another team's configuration manages.
data "batchai_cluster_nodes" "shared" {
  cluster_id = provider::batchai::cluster_id("00000000-0000-0000-0000-000000000000", "batchai-rg", "research", "shared-gpu")
}
