package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// resourceGroupNameMaxLength is ARM's limit for resource group names.
const resourceGroupNameMaxLength = 90

// batchAINameValidators check a workspace, cluster or file server name against the 2018-05-01 spec at plan
// time (pattern ^[-\w_]+$, 1 to 64 characters). The framework prefixes each message with the attribute path.
func batchAINameValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthBetween(1, api.NameMaxLength),
		stringvalidator.RegexMatches(api.NamePattern,
			fmt.Sprintf("may contain only letters, digits, '-' and '_' (pattern %s)", api.NamePattern)),
	}
}

// resourceGroupNameValidators check a resource group name (pattern ^[-\w\._]+$, 1 to 90 characters).
func resourceGroupNameValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthBetween(1, resourceGroupNameMaxLength),
		stringvalidator.RegexMatches(api.ResourceGroupNamePattern,
			fmt.Sprintf("may contain only letters, digits, '-', '_' and '.' (pattern %s)", api.ResourceGroupNamePattern)),
	}
}
