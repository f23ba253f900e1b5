package sim

import (
	"net/http"
	"strings"
	"testing"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

func TestCompareCreate(t *testing.T) {
	const subnet2 = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/other"
	cases := []struct {
		name   string
		mutate func(p *api.ClusterBaseProperties)
		target string // "" = accepted
	}{
		{"identical", func(*api.ClusterBaseProperties) {}, ""},
		{"defaults spelled out", func(p *api.ClusterBaseProperties) {
			p.VMPriority = sptr("Dedicated")
			p.ScaleSettings.Manual.NodeDeallocationOption = sptr("requeue")
			p.VirtualMachineConfiguration = &api.VirtualMachineConfiguration{ImageReference: &api.ImageReference{
				Publisher: sptr("Canonical"), Offer: sptr("UbuntuServer"), Sku: sptr("16.04-LTS"), Version: sptr("latest"),
			}}
			p.NodeSetup.MountVolumes.AzureFileShares[0].FileMode = sptr("0777")
		}, ""},
		{"scale settings may differ", func(p *api.ClusterBaseProperties) {
			p.ScaleSettings = &api.ScaleSettings{AutoScale: auto(0, 9).AutoScale}
		}, ""},
		{"vm size case", func(p *api.ClusterBaseProperties) { p.VMSize = sptr("Standard_nc6") }, ""},
		{"resource ID case", func(p *api.ClusterBaseProperties) { p.Subnet.ID = sptr(strings.ToUpper(*p.Subnet.ID)) }, ""},
		{"read-only suffix sent back", func(p *api.ClusterBaseProperties) { p.NodeSetup.SetupTask.StdOutErrPathSuffix = sptr("x") }, ""},
		{"vm size", func(p *api.ClusterBaseProperties) { p.VMSize = sptr("Standard_NC12") }, "properties.vmSize"},
		{"first difference in spec order", func(p *api.ClusterBaseProperties) {
			p.VMPriority = sptr("lowpriority")
			p.Subnet.ID = sptr(subnet2)
		}, "properties.vmPriority"},
		{"image", func(p *api.ClusterBaseProperties) {
			p.VirtualMachineConfiguration = &api.VirtualMachineConfiguration{ImageReference: &api.ImageReference{
				Publisher: sptr("Canonical"), Offer: sptr("UbuntuServer"), Sku: sptr("18.04-LTS"),
			}}
		}, "properties.virtualMachineConfiguration.imageReference.sku"},
		{"password", func(p *api.ClusterBaseProperties) { p.UserAccountSettings.AdminUserPassword = sptr("another-password") },
			"properties.userAccountSettings.adminUserPassword"},
		{"account key", func(p *api.ClusterBaseProperties) {
			p.NodeSetup.MountVolumes.AzureFileShares[0].Credentials.AccountKey = sptr("another-key")
		}, "properties.nodeSetup.mountVolumes.azureFileShares[0].credentials.accountKey"},
		{"secret value", func(p *api.ClusterBaseProperties) { p.NodeSetup.SetupTask.Secrets[0].Value = sptr("other") },
			"properties.nodeSetup.setupTask.secrets[0].value"},
		{"env var added", func(p *api.ClusterBaseProperties) {
			p.NodeSetup.SetupTask.EnvironmentVariables = append(p.NodeSetup.SetupTask.EnvironmentVariables,
				api.EnvironmentVariable{Name: sptr("B"), Value: sptr("2")})
		}, "properties.nodeSetup.setupTask.environmentVariables"},
		{"node setup removed", func(p *api.ClusterBaseProperties) { p.NodeSetup = nil }, "properties.nodeSetup"},
		{"subnet", func(p *api.ClusterBaseProperties) { p.Subnet.ID = sptr(subnet2) }, "properties.subnet.id"},
		{"subnet removed", func(p *api.ClusterBaseProperties) { p.Subnet = nil }, "properties.subnet"},
	}
	existing := newCluster(t, fullProps())
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := fullProps()
			tc.mutate(&p)
			err := CompareCreate(existing, p)
			if tc.target == "" {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			if err.Status != http.StatusConflict || err.Code != CodePropertyChangeNotAllowed || err.Target != tc.target ||
				!strings.Contains(err.Message, tc.target) || !strings.Contains(err.Message, "other than scaleSettings") {
				t.Errorf("got %v", err)
			}
			for _, s := range append(secrets, "another-password", "another-key") {
				if strings.Contains(err.Message, s) {
					t.Errorf("message quotes a secret: %s", err.Message)
				}
			}
		})
	}
	if err := CompareCreate(existing, api.ClusterBaseProperties{}); err == nil || err.Status != http.StatusBadRequest {
		t.Errorf("invalid PUT: %v", err)
	}
}

func TestCompareCreateInheritedSubnet(t *testing.T) {
	const fsSubnet = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/fsvnet/subnets/Subnet-1"
	p := fullProps()
	p.Subnet = nil
	c := newCluster(t, p)
	c.InheritSubnet(fsSubnet)
	if *c.View(t0).Properties.Subnet.ID != fsSubnet {
		t.Error("inherited subnet not shown")
	}
	if err := CompareCreate(c, p); err != nil {
		t.Errorf("PUT without subnet: %v", err)
	}
	p.Subnet = &api.ResourceID{ID: sptr(fsSubnet)}
	if err := CompareCreate(c, p); err != nil {
		t.Errorf("PUT naming the inherited subnet: %v", err)
	}
	p.Subnet.ID = sptr(strings.Replace(fsSubnet, "Subnet-1", "Subnet-2", 1))
	if err := CompareCreate(c, p); err == nil || err.Target != "properties.subnet.id" {
		t.Errorf("PUT with another subnet: %v", err)
	}
	c.InheritSubnet("/ignored") // a subnet is already set
	if *c.Props.Subnet.ID != fsSubnet {
		t.Error("InheritSubnet replaced a subnet")
	}
}
