package provider

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// TestAccQuery_generateConfigImportsWithEmptyPlan runs the whole loop of "find what Terraform does not manage"
// through the CLI: `terraform query -generate-config-out` lists workspaces and clusters made outside
// Terraform (as `az batchai` makes them: with passwords, SSH keys, storage keys, setup-task secrets and an App
// Insights key, none of which Azure returns) and writes their configuration and import blocks; `terraform
// apply` imports them without a single write to Azure; and the next `terraform plan -detailed-exitcode` finds
// nothing to change.
func TestAccQuery_generateConfigImportsWithEmptyPlan(t *testing.T) {
	testAccSkipUnlessCLISupports(t, cliFeatureQuery)
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	info := inst.Info
	testAccSecondResourceGroup(t, info, "rg-two")
	plain := api.WorkspaceID{SubscriptionID: info.SubscriptionID, ResourceGroup: info.ResourceGroup, Name: "ws-plain"}
	tagged := api.WorkspaceID{SubscriptionID: info.SubscriptionID, ResourceGroup: "rg-two", Name: "ws-tagged"}
	testAccSeedWorkspace(t, info, plain, "eastus")
	c := testAccClient(t, info)
	ctx := testAccContext(t)
	wp, err := c.BeginCreateWorkspace(ctx, tagged, api.WorkspaceCreateParameters{Location: api.Ptr("West Europe"),
		Tags: map[string]string{"team": "vision", "cost-center": "42"}})
	if err == nil {
		_, err = wp.Wait(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	in := func(ws api.WorkspaceID, name string) api.ClusterID {
		return api.ClusterID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name, Name: name}
	}
	testAccSeedCluster(t, info, in(plain, "manual"), "Standard_NC6", 1)
	complete := in(tagged, "complete")
	cp, err := c.BeginCreateCluster(ctx, complete, api.ClusterCreateParameters{Properties: &api.ClusterBaseProperties{
		VMSize:     api.Ptr("STANDARD_D2_V2"),
		VMPriority: api.Ptr(api.VMPriorityLowPriority),
		ScaleSettings: &api.ScaleSettings{AutoScale: &api.AutoScaleSettings{
			MinimumNodeCount: api.Ptr(int32(0)), MaximumNodeCount: api.Ptr(int32(3)), InitialNodeCount: api.Ptr(int32(1))}},
		VirtualMachineConfiguration: &api.VirtualMachineConfiguration{ImageReference: &api.ImageReference{
			Publisher: api.Ptr("microsoft-ads"), Offer: api.Ptr("linux-data-science-vm-ubuntu"), Sku: api.Ptr("linuxdsvmubuntu")}},
		UserAccountSettings: &api.UserAccountSettings{AdminUserName: api.Ptr("ops"), AdminUserPassword: api.Ptr("seed-password")},
		NodeSetup: &api.NodeSetup{
			SetupTask: &api.SetupTask{CommandLine: api.Ptr("echo ready"), StdOutErrPathPrefix: api.Ptr("/mnt/batch"),
				EnvironmentVariables: []api.EnvironmentVariable{{Name: api.Ptr("MODE"), Value: api.Ptr("train")}},
				Secrets:              []api.EnvironmentVariableWithSecretValue{{Name: api.Ptr("TOKEN"), Value: api.Ptr("seed-token")}}},
			MountVolumes: &api.MountVolumes{AzureFileShares: []api.AzureFileShareReference{{
				AccountName: api.Ptr("acct"), AzureFileURL: api.Ptr("https://acct.file.core.windows.net/data"),
				Credentials: &api.AzureStorageCredentialsInfo{AccountKey: api.Ptr("seed-account-key")}, RelativeMountPath: api.Ptr("data"),
			}}},
			PerformanceCountersSettings: &api.PerformanceCountersSettings{AppInsightsReference: &api.AppInsightsReference{
				Component:          &api.ResourceID{ID: api.Ptr("/subscriptions/" + info.SubscriptionID + "/resourceGroups/rg-two/providers/Microsoft.Insights/components/ai")},
				InstrumentationKey: api.Ptr("seed-instrumentation-key"),
			}},
		},
	}})
	if err == nil {
		_, err = cp.Wait(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}

	w := newQueryWorkdir(t, info, "batchai_workspace", "batchai_cluster")
	writesSince := writesSinceSeeding(t, inst)

	// What the guide's pipeline reads: one list_resource_found message per result, with its type and identity.
	found := queryResults(t, w.mustRun("query", "-json", "-no-color"))
	if len(found) != 4 {
		t.Fatalf("terraform query -json found %d results, want 4: %v", len(found), found)
	}
	if want := `batchai_cluster {"name":"complete","resource_group_name":"rg-two","subscription_id":"` + info.SubscriptionID +
		`","workspace_name":"ws-tagged"}`; !slices.Contains(found, want) {
		t.Errorf("terraform query -json lacks %s: %v", want, found)
	}

	out := w.mustRun("query", "-no-color", "-generate-config-out=generated.tf")
	t.Logf("terraform query:\n%s", out)
	for _, want := range []string{"ws-plain in " + info.ResourceGroup + " (eastus)", "complete in rg-two/ws-tagged"} {
		if !strings.Contains(out, want) {
			t.Errorf("terraform query does not list %q:\n%s", want, out)
		}
	}
	generated := w.read("generated.tf")
	t.Logf("generated.tf:\n%s", generated)
	for _, want := range []string{
		`resource "batchai_workspace" "found_0"`, `resource "batchai_workspace" "found_1"`,
		`resource "batchai_cluster" "found_0"`, `resource "batchai_cluster" "found_1"`,
		"identity = {", `workspace_name      = "ws-tagged"`,
		"admin_user_password                  = null # sensitive", "account_key                  = null # sensitive",
		"instrumentation_key                  = null # sensitive", "secrets                 = null # sensitive",
	} {
		if !strings.Contains(strings.Join(strings.Fields(generated), " "), strings.Join(strings.Fields(want), " ")) {
			t.Errorf("generated.tf lacks %q", want)
		}
	}
	for _, secret := range []string{"seed-password", "seed-token", "seed-account-key", "seed-instrumentation-key", testAccClusterSSHKey} {
		if strings.Contains(generated, secret) {
			t.Errorf("generated.tf holds the secret %q", secret)
		}
	}

	applyGeneratedImports(t, w, found, writesSince)
	state := w.mustRun("state", "list")
	for _, addr := range []string{"batchai_workspace.found_0", "batchai_workspace.found_1", "batchai_cluster.found_0", "batchai_cluster.found_1"} {
		if !strings.Contains(state, addr) {
			t.Errorf("%s is not in state after the import:\n%s", addr, state)
		}
	}
}

// newQueryWorkdir is a CLI working directory with the provider's configuration and a query file with a list
// block "found" of each of listTypes, in the subscription.
func newQueryWorkdir(t *testing.T, info emulator.Info, listTypes ...string) *cliWorkdir {
	t.Helper()
	var query strings.Builder
	for _, typ := range listTypes {
		fmt.Fprintf(&query, "\nlist %q \"found\" {\n  provider = batchai\n}\n", typ)
	}
	return newCLIWorkdir(t, map[string]string{"main.tf": testAccProviderConfig(info), "discover.tfquery.hcl": query.String()})
}

// applyGeneratedImports plans, applies and plans again the configuration `terraform query
// -generate-config-out` wrote in w for the results found: the plan must import every result and do nothing
// else, the next plan must be empty, nothing may have been written to Azure since the query (writesSince), and
// the state must hold the identities the query found (the managed side of the guide's comparison).
func applyGeneratedImports(t *testing.T, w *cliWorkdir, found []string, writesSince func() int) {
	t.Helper()
	plan := w.mustRun("plan", "-no-color", "-input=false")
	if want := fmt.Sprintf("Plan: %d to import, 0 to add, 0 to change, 0 to destroy.", len(found)); !strings.Contains(plan, want) {
		t.Fatalf("the plan of the generated configuration is not %d imports and nothing else:\n%s", len(found), plan)
	}
	w.mustRun("apply", "-no-color", "-input=false", "-auto-approve")
	if out, code := w.run("plan", "-no-color", "-input=false", "-detailed-exitcode"); code != 0 {
		t.Fatalf("after the import, terraform plan -detailed-exitcode exited %d, want 0 (no changes):\n%s", code, out)
	}
	if n := writesSince(); n != 0 {
		t.Errorf("query, import and plan sent %d write request(s) to Azure, want none", n)
	}
	managed := managedIdentities(t, w.mustRun("show", "-json", "-no-color"))
	found = slices.Sorted(slices.Values(found))
	if !slices.Equal(found, managed) {
		t.Errorf("after the import, the identities in state are\n%v\nwant what the query found\n%v", managed, found)
	}
}

// queryResults reads `terraform query -json`: each result as "<resource type> <identity as JSON, keys sorted>".
func queryResults(t *testing.T, out string) []string {
	t.Helper()
	var found []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var msg struct {
			Type  string `json:"type"`
			Found struct {
				ResourceType string         `json:"resource_type"`
				Identity     map[string]any `json:"identity"`
			} `json:"list_resource_found"`
		}
		if err := json.Unmarshal([]byte(line), &msg); err != nil {
			t.Fatalf("terraform query -json printed a line that is not JSON: %q", line)
		}
		if msg.Type == "list_resource_found" {
			found = append(found, identityKey(t, msg.Found.ResourceType, msg.Found.Identity))
		}
	}
	return found
}

// managedIdentities reads `terraform show -json`: each managed resource's identity, as queryResults writes it.
func managedIdentities(t *testing.T, out string) []string {
	t.Helper()
	var state struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Mode     string         `json:"mode"`
					Type     string         `json:"type"`
					Identity map[string]any `json:"identity"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(out), &state); err != nil {
		t.Fatalf("terraform show -json: %v", err)
	}
	var managed []string
	for _, r := range state.Values.RootModule.Resources {
		if r.Mode == "managed" && r.Identity != nil {
			managed = append(managed, identityKey(t, r.Type, r.Identity))
		}
	}
	slices.Sort(managed)
	return managed
}

// identityKey is "<type> <identity>", the identity as JSON with sorted keys (encoding/json sorts map keys).
func identityKey(t *testing.T, typ string, identity map[string]any) string {
	t.Helper()
	b, err := json.Marshal(identity)
	if err != nil {
		t.Fatal(err)
	}
	return typ + " " + string(b)
}

// TestAccQuery_generateConfigOfEveryArgument: a cluster that sets every argument (custom image, subnet, auto-scale,
// setup task with secrets and Key Vault references, Azure Files, blob, file-server and unmanaged mounts, App
// Insights), created by one configuration, is found by `terraform query` in another, whose generated
// configuration imports it with an empty plan.
func TestAccQuery_generateConfigOfEveryArgument(t *testing.T) {
	testAccSkipUnlessCLISupports(t, cliFeatureQuery)
	t.Parallel()
	info := testAccEmulator(t)
	ws, fs := testAccClusterSeedWorkspace(t, info, testAccSubnetID(info, "default"))
	owner := newCLIWorkdir(t, map[string]string{"main.tf": testAccProviderConfig(info) + testAccClusterCompleteBody(info, ws, fs)})
	owner.mustRun("apply", "-no-color", "-input=false", "-auto-approve")

	w := newCLIWorkdir(t, map[string]string{
		"main.tf":              testAccProviderConfig(info),
		"discover.tfquery.hcl": "list \"batchai_cluster\" \"found\" {\n  provider = batchai\n}\n",
	})
	w.mustRun("query", "-no-color", "-generate-config-out=generated.tf")
	generated := w.read("generated.tf")
	for _, want := range []string{"virtual_machine_image_id", "subnet_id", "secret_reference", "azure_blob_file_system",
		"file_server_id", "unmanaged_file_system", "app_insights_component_id", "account_key_secret_reference"} {
		if !strings.Contains(generated, want) {
			t.Errorf("generated.tf lacks %s:\n%s", want, generated)
		}
	}
	for _, secret := range []string{"secretpassword", "setup-secret", "afs-account-key==", "bfs-account-key==", "app-insights-key"} {
		if strings.Contains(generated, secret) {
			t.Errorf("generated.tf holds the secret %q", secret)
		}
	}
	if plan := w.mustRun("plan", "-no-color", "-input=false"); !strings.Contains(plan, "Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.") {
		t.Fatalf("the plan of the generated configuration:\n%s\ngenerated.tf:\n%s", plan, generated)
	}
	w.mustRun("apply", "-no-color", "-input=false", "-auto-approve")
	if out, code := w.run("plan", "-no-color", "-input=false", "-detailed-exitcode"); code != 0 {
		t.Fatalf("after the import, terraform plan -detailed-exitcode exited %d, want 0:\n%s\ngenerated.tf:\n%s", code, out, generated)
	}
}
