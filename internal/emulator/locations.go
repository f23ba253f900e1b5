package emulator

import (
	"slices"
	"strings"
)

// batchAILocations are the regions Batch AI served before its retirement (Azure products-by-region, 2018).
// A workspace elsewhere is refused with ARM's LocationNotAvailableForResourceType, as real traffic shows.
var batchAILocations = []string{
	"australiaeast", "canadacentral", "centralindia", "eastus", "eastus2", "japaneast", "northcentralus",
	"northeurope", "southcentralus", "southeastasia", "uksouth", "westcentralus", "westeurope", "westus",
	"westus2",
}

// azureLocations are the public Azure regions a resource group may be created in.
var azureLocations = []string{
	"australiacentral", "australiacentral2", "australiaeast", "australiasoutheast", "brazilsouth",
	"brazilsoutheast", "canadacentral", "canadaeast", "centralindia", "centralus", "eastasia", "eastus",
	"eastus2", "francecentral", "francesouth", "germanynorth", "germanywestcentral", "israelcentral",
	"italynorth", "japaneast", "japanwest", "koreacentral", "koreasouth", "mexicocentral", "northcentralus",
	"northeurope", "norwayeast", "norwaywest", "polandcentral", "qatarcentral", "southafricanorth",
	"southafricawest", "southcentralus", "southeastasia", "southindia", "spaincentral", "swedencentral",
	"switzerlandnorth", "switzerlandwest", "uaecentral", "uaenorth", "uksouth", "ukwest", "westcentralus",
	"westeurope", "westindia", "westus", "westus2", "westus3",
}

// normalizeLocation turns a display name into ARM's canonical form ("East US" -> "eastus"), as ARM does
// before it stores and returns a location.
func normalizeLocation(s string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
}

func knownLocation(list []string, loc string) bool { return slices.Contains(list, loc) }
