# Sum what a set of clusters takes from each quota family, to compare with `az batchai list-usages`.
locals {
  clusters = {
    train = { vm_size = "Standard_NC6", nodes = 4 }
    infer = { vm_size = "Standard_NC12", nodes = 1 }
  }
  vcpus_by_family = {
    for name, c in local.clusters :
    provider::batchai::vm_size(c.vm_size).quota_family => provider::batchai::cluster_vcpus(c.vm_size, c.nodes)...
  }
}

output "vcpus_by_family" {
  value = { for family, v in local.vcpus_by_family : family => sum(v) } # { "Standard NC Family" = 36 }
}
