resource "batchai_workspace" "example" {
  name                = "research"
  resource_group_name = "batchai-rg"
  location            = "East US" # "eastus" is the same location: either spelling plans no change

  tags = {
    team        = "research"
    cost-center = "ml-1234"
  }
}
