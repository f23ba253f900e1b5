package provider

import (
	"context"

	fwaction "github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// What every action (Terraform >= 1.14: `action` blocks, `terraform apply -invoke=action.<type>.<name>`,
// `lifecycle { action_trigger { ... } }`) shares. An action does something imperative that has no place in
// state: it receives only its own configuration, sends progress messages while it runs, and changes no
// resource's state. When it changes what a managed resource's configuration describes (a resize of a
// batchai_cluster), the next plan undoes it unless the configuration ignores that attribute, which each
// action's documentation says. Each action is in <thing>_<verb>_action.go.

// actionBase is embedded by every action: its Configure stores the provider's data.
type actionBase struct {
	providerDataHolder
}

// Configure stores the provider's data.
func (b *actionBase) Configure(_ context.Context, req fwaction.ConfigureRequest, resp *fwaction.ConfigureResponse) {
	b.configure(req.ProviderData, "Action", &resp.Diagnostics)
}

// progress sends a progress message of an action, and logs it: Terraform shows it while the action runs.
func progress(ctx context.Context, resp *fwaction.InvokeResponse, message string) {
	tflog.Info(ctx, message)
	if resp.SendProgress != nil {
		resp.SendProgress(fwaction.InvokeProgressEvent{Message: message})
	}
}
