package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// TestAccJobResourcesListResources lists file servers, experiments and jobs made outside Terraform in their
// scopes (the subscription, a resource group, a workspace, an experiment), with display names, and with the
// resource as a Read after an import records it (secrets absent: the API never returns them).
func TestAccJobResourcesListResources(t *testing.T) {
	testAccSkipUnlessCLISupports(t, cliFeatureQuery)
	t.Parallel()
	info := testAccEmulator(t)
	fs, hello := testAccSeedJobWorld(t, info)
	secretive := testAccSeedSecretiveJob(t, info)
	exp := hello.ExperimentID()
	c := testAccClient(t, info)
	ctx := testAccContext(t)
	empty := exp.WorkspaceID().Experiment("empty")
	testAccSecondResourceGroup(t, info, "rg-other")
	ws2 := api.WorkspaceID{SubscriptionID: info.SubscriptionID, ResourceGroup: "rg-other", Name: "ws2"}
	testAccSeedWorkspace(t, info, ws2, "eastus")
	elsewhere := ws2.Experiment("exp2")
	for _, x := range []api.ExperimentID{empty, elsewhere} {
		p, err := c.BeginCreateExperiment(ctx, x)
		if err == nil {
			_, err = p.Wait(ctx)
		}
		if err != nil {
			t.Fatalf("creating experiment %s: %v", x, err)
		}
	}
	container := tfjsonpath.New("container")
	rg := info.ResourceGroup
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccProviderConfig(info)},
			{
				Query: true,
				Config: `
list "batchai_file_server" "all" {
  provider = batchai
}

list "batchai_file_server" "rg_two" {
  provider = batchai
  config {
    resource_group_name = "rg-other"
  }
}

list "batchai_experiment" "all" {
  provider = batchai
}

list "batchai_experiment" "ws" {
  provider = batchai
  config {
    resource_group_name = "` + rg + `"
    workspace_name      = "ws"
  }
}

list "batchai_job" "all" {
  provider = batchai
}

list "batchai_job" "exp" {
  provider         = batchai
  include_resource = true
  config {
    resource_group_name = "` + rg + `"
    workspace_name      = "ws"
    experiment_name     = "exp"
  }
}

list "batchai_job" "empty_experiment" {
  provider = batchai
  config {
    resource_group_name = "` + rg + `"
    workspace_name      = "ws"
    experiment_name     = "empty"
  }
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("batchai_file_server.all", 1),
					querycheck.ExpectResourceDisplayName("batchai_file_server.all", queryfilter.ByResourceIdentity(map[string]knownvalue.Check{
						"name": knownvalue.StringExact(fs.Name), "workspace_name": knownvalue.StringExact(fs.Workspace),
						"resource_group_name": knownvalue.StringExact(fs.ResourceGroup), "subscription_id": knownvalue.StringExact(fs.SubscriptionID),
					}), knownvalue.StringExact("nfs in "+rg+"/ws (Standard_D2_v2, 2 x 10 GB)")),
					querycheck.ExpectLength("batchai_file_server.rg_two", 0),
					querycheck.ExpectLength("batchai_experiment.all", 3),
					querycheck.ExpectIdentity("batchai_experiment.all", workspaceChildIdentityValues(elsewhere)),
					querycheck.ExpectResourceDisplayName("batchai_experiment.all", queryfilter.ByResourceIdentity(workspaceChildIdentityValues(elsewhere)),
						knownvalue.StringExact("exp2 in rg-other/ws2")),
					querycheck.ExpectLength("batchai_experiment.ws", 2),
					querycheck.ExpectIdentity("batchai_experiment.ws", workspaceChildIdentityValues(empty)),
					querycheck.ExpectLength("batchai_job.all", 2),
					querycheck.ExpectIdentity("batchai_job.all", jobIdentityValues(hello)),
					querycheck.ExpectIdentity("batchai_job.all", jobIdentityValues(secretive)),
					querycheck.ExpectLength("batchai_job.exp", 2),
					querycheck.ExpectResourceDisplayName("batchai_job.exp", queryfilter.ByResourceIdentity(jobIdentityValues(hello)),
						knownvalue.StringExact("hello in "+rg+"/ws/exp (succeeded, custom on c1)")),
					querycheck.ExpectResourceKnownValues("batchai_job.exp", queryfilter.ByResourceIdentity(jobIdentityValues(secretive)),
						[]querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(secretive.String())},
							{Path: tfjsonpath.New("experiment_id"), KnownValue: knownvalue.StringExact(exp.String())},
							{Path: tfjsonpath.New("cluster_id"), KnownValue: knownvalue.StringExact(testAccClusterID(info, "c1").String())},
							{Path: tfjsonpath.New("wait_for_completion"), KnownValue: knownvalue.Bool(true)},
							{Path: tfjsonpath.New("secrets"), KnownValue: knownvalue.Null()},
							{Path: container.AtMapKey("credentials").AtMapKey("username"), KnownValue: knownvalue.StringExact("puller")},
							{Path: container.AtMapKey("credentials").AtMapKey("password"), KnownValue: knownvalue.Null()},
						}),
					querycheck.ExpectLength("batchai_job.empty_experiment", 0),
				},
			},
			{
				Query: true,
				Config: `
list "batchai_job" "no_workspace" {
  provider = batchai
  config {
    resource_group_name = "` + rg + `"
    experiment_name     = "exp"
  }
}
`,
				ExpectError: expectError("workspace_name", "must be specified when", "experiment_name"),
			},
			{
				Query: true,
				Config: `
list "batchai_job" "missing_experiment" {
  provider = batchai
  config {
    resource_group_name = "` + rg + `"
    workspace_name      = "ws"
    experiment_name     = "missing"
  }
}
`,
				ExpectError: expectError("Error Listing Batch AI Jobs", "listing Batch AI Jobs ("+
					api.ExperimentID{SubscriptionID: exp.SubscriptionID, ResourceGroup: rg, Workspace: "ws", Name: "missing"}.String()+")"),
			},
		},
	})
}
