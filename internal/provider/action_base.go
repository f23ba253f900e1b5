package provider

import (
	"context"
	"fmt"
	"time"

	fwaction "github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
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

// stateProgress sends a progress message each time the state of what an action waits for changes: "<subject>:
// <state>.". last is the state last reported (or first seen), for the messages that follow the wait.
type stateProgress struct {
	ctx     context.Context
	resp    *fwaction.InvokeResponse
	subject string
	last    string
}

// report sends now when it differs from the last state reported.
func (p *stateProgress) report(now string) {
	if now != p.last {
		p.last = now
		progress(p.ctx, p.resp, fmt.Sprintf("%s: %s.", p.subject, now))
	}
}

// requireOneActionArgument requires exactly one of values in the configuration of the action actionType
// ("batchai_cluster_resize"); choices says what each of them is, for the error when none is set.
func requireOneActionArgument(diags *diag.Diagnostics, actionType, choices string, values ...named) {
	set, list, known := setValues(values)
	switch {
	case !known:
	case len(set) == 0:
		diags.AddError("Missing Required Argument",
			fmt.Sprintf("%s needs exactly one of %s: %s.", actionType, list, choices))
	case len(set) > 1:
		diags.AddAttributeError(path.Root(set[1]), "Conflicting Arguments",
			fmt.Sprintf("%s takes exactly one of %s, but both are set.", actionType, list))
	}
}

// actionTimeout is how long an action may take: its timeout attribute v (a duration), or def when it is not
// set.
func actionTimeout(diags *diag.Diagnostics, v types.String, def time.Duration) time.Duration {
	s := v.ValueString()
	if s == "" {
		return def
	}
	timeout, err := time.ParseDuration(s)
	if err != nil {
		diags.AddAttributeError(path.Root("timeout"), "Invalid Duration", err.Error())
	}
	return timeout
}
