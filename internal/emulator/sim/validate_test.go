package sim

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

const (
	miss = CodeMissingRequiredProperty
	bad  = CodeInvalidPropertyValue
)

func TestPrepareCreateRejects(t *testing.T) {
	const (
		ns  = "properties.nodeSetup"
		st  = ns + ".setupTask"
		mv  = ns + ".mountVolumes"
		afs = mv + ".azureFileShares[0]"
		bfs = mv + ".azureBlobFileSystems[0]"
		fs  = mv + ".fileServers[0]"
		um  = mv + ".unmanagedFileSystems[0]"
		ai  = ns + ".performanceCountersSettings.appInsightsReference"
		img = "properties.virtualMachineConfiguration.imageReference"
		sec = st + ".secrets[1].valueSecretReference"
	)
	image := func(p *api.ClusterBaseProperties) *api.ImageReference {
		ref := &api.ImageReference{Publisher: sptr("microsoft-ads"), Offer: sptr("linux-data-science-vm-ubuntu"), Sku: sptr("linuxdsvmubuntu")}
		p.VirtualMachineConfiguration = &api.VirtualMachineConfiguration{ImageReference: ref}
		return ref
	}
	cases := []struct {
		name         string
		mutate       func(p *api.ClusterBaseProperties)
		code, target string
		mention      string // a further word the message must contain
	}{
		{"vmSize missing", func(p *api.ClusterBaseProperties) { p.VMSize = nil }, miss, "properties.vmSize", ""},
		{"vmSize empty", func(p *api.ClusterBaseProperties) { p.VMSize = sptr("") }, miss, "properties.vmSize", ""},
		{"vmSize A0", func(p *api.ClusterBaseProperties) { p.VMSize = sptr("Standard_A0") }, bad, "properties.vmSize", "Standard_A0"},
		{"vmSize GS", func(p *api.ClusterBaseProperties) { p.VMSize = sptr("standard_gs2") }, bad, "properties.vmSize", "standard_gs2"},
		{"vmSize DS", func(p *api.ClusterBaseProperties) { p.VMSize = sptr("Standard_DS3") }, bad, "properties.vmSize", "Standard_DS3"},
		{"vmSize DSv2", func(p *api.ClusterBaseProperties) { p.VMSize = sptr("STANDARD_DS2_V2") }, bad, "properties.vmSize", "STANDARD_DS2_V2"},
		{"vmSize premium F", func(p *api.ClusterBaseProperties) { p.VMSize = sptr("Standard_F4s") }, bad, "properties.vmSize", "Standard_F4s"},
		{"vmSize unknown", func(p *api.ClusterBaseProperties) { p.VMSize = sptr("Standard_NC7") }, bad, "properties.vmSize", "Standard_NC7"},
		{"vmPriority unknown", func(p *api.ClusterBaseProperties) { p.VMPriority = sptr("spot") }, bad, "properties.vmPriority", "lowpriority"},
		{"vmPriority empty", func(p *api.ClusterBaseProperties) { p.VMPriority = sptr("") }, bad, "properties.vmPriority", "dedicated"},
		{"scale missing", func(p *api.ClusterBaseProperties) { p.ScaleSettings = nil }, miss, "properties.scaleSettings", "Please provide scale settings"},
		{"scale empty", func(p *api.ClusterBaseProperties) { p.ScaleSettings = &api.ScaleSettings{} }, bad, "properties.scaleSettings", "at least one"},
		{"scale both", func(p *api.ClusterBaseProperties) {
			p.ScaleSettings.AutoScale = &api.AutoScaleSettings{MinimumNodeCount: iptr(0), MaximumNodeCount: iptr(1)}
		}, bad, "properties.scaleSettings", "only one"},
		{"manual target missing", func(p *api.ClusterBaseProperties) { p.ScaleSettings.Manual.TargetNodeCount = nil },
			miss, "properties.scaleSettings.manual.targetNodeCount", ""},
		{"manual target negative", func(p *api.ClusterBaseProperties) { p.ScaleSettings.Manual.TargetNodeCount = iptr(-1) },
			bad, "properties.scaleSettings.manual.targetNodeCount", "-1"},
		{"deallocation unknown", func(p *api.ClusterBaseProperties) { p.ScaleSettings.Manual.NodeDeallocationOption = sptr("later") },
			bad, "properties.scaleSettings.manual.nodeDeallocationOption", "waitforjobcompletion"},
		{"auto min missing", func(p *api.ClusterBaseProperties) {
			*p = autoProps(0, 3, nil)
			p.ScaleSettings.AutoScale.MinimumNodeCount = nil
		},
			miss, "properties.scaleSettings.autoScale.minimumNodeCount", ""},
		{"auto max missing", func(p *api.ClusterBaseProperties) {
			*p = autoProps(0, 3, nil)
			p.ScaleSettings.AutoScale.MaximumNodeCount = nil
		},
			miss, "properties.scaleSettings.autoScale.maximumNodeCount", ""},
		{"auto min negative", func(p *api.ClusterBaseProperties) { *p = autoProps(-1, 3, nil) },
			bad, "properties.scaleSettings.autoScale.minimumNodeCount", "-1"},
		{"auto max negative", func(p *api.ClusterBaseProperties) { *p = autoProps(0, -2, nil) },
			bad, "properties.scaleSettings.autoScale.maximumNodeCount", "-2"},
		{"auto initial negative", func(p *api.ClusterBaseProperties) { *p = autoProps(0, 3, iptr(-3)) },
			bad, "properties.scaleSettings.autoScale.initialNodeCount", "-3"},
		{"auto min above max", func(p *api.ClusterBaseProperties) { *p = autoProps(5, 3, nil) },
			bad, "properties.scaleSettings.autoScale.minimumNodeCount", "maximumNodeCount (3)"},
		{"image publisher missing", func(p *api.ClusterBaseProperties) { image(p).Publisher = nil }, miss, img + ".publisher", ""},
		{"image offer empty", func(p *api.ClusterBaseProperties) { image(p).Offer = sptr("") }, miss, img + ".offer", ""},
		{"image sku missing", func(p *api.ClusterBaseProperties) { image(p).Sku = nil }, miss, img + ".sku", ""},
		{"custom image without base", func(p *api.ClusterBaseProperties) {
			ref := image(p)
			ref.Publisher = nil
			ref.VirtualMachineImageID = sptr("/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/images/i")
		}, miss, img + ".publisher", ""},
		{"custom image id malformed", func(p *api.ClusterBaseProperties) {
			image(p).VirtualMachineImageID = sptr("/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/disks/d")
		}, bad, img + ".virtualMachineImageId", "Microsoft.Compute/images"},
		{"setup commandLine missing", func(p *api.ClusterBaseProperties) { p.NodeSetup.SetupTask.CommandLine = nil }, miss, st + ".commandLine", ""},
		{"setup prefix missing", func(p *api.ClusterBaseProperties) { p.NodeSetup.SetupTask.StdOutErrPathPrefix = nil },
			miss, st + ".stdOutErrPathPrefix", ""},
		{"env name missing", func(p *api.ClusterBaseProperties) { p.NodeSetup.SetupTask.EnvironmentVariables[0].Name = nil },
			miss, st + ".environmentVariables[0].name", ""},
		{"env value missing", func(p *api.ClusterBaseProperties) { p.NodeSetup.SetupTask.EnvironmentVariables[0].Value = nil },
			miss, st + ".environmentVariables[0].value", ""},
		{"secret name missing", func(p *api.ClusterBaseProperties) { p.NodeSetup.SetupTask.Secrets[0].Name = nil }, miss, st + ".secrets[0].name", ""},
		{"secret neither", func(p *api.ClusterBaseProperties) { p.NodeSetup.SetupTask.Secrets[0].Value = nil },
			miss, st + ".secrets[0]", "valueSecretReference"},
		{"secret both", func(p *api.ClusterBaseProperties) { p.NodeSetup.SetupTask.Secrets[0].ValueSecretReference = kvRef("x") },
			bad, st + ".secrets[0]", "not both"},
		{"secret vault missing", func(p *api.ClusterBaseProperties) {
			p.NodeSetup.SetupTask.Secrets[1].ValueSecretReference.SourceVault = nil
		},
			miss, sec + ".sourceVault", ""},
		{"secret vault id missing", func(p *api.ClusterBaseProperties) {
			p.NodeSetup.SetupTask.Secrets[1].ValueSecretReference.SourceVault.ID = nil
		}, miss, sec + ".sourceVault.id", ""},
		{"secret vault id malformed", func(p *api.ClusterBaseProperties) {
			p.NodeSetup.SetupTask.Secrets[1].ValueSecretReference.SourceVault.ID = sptr("kv")
		}, bad, sec + ".sourceVault.id", "Microsoft.KeyVault/vaults"},
		{"secret url missing", func(p *api.ClusterBaseProperties) {
			p.NodeSetup.SetupTask.Secrets[1].ValueSecretReference.SecretURL = nil
		},
			miss, sec + ".secretUrl", ""},
		{"secret url not https", func(p *api.ClusterBaseProperties) {
			p.NodeSetup.SetupTask.Secrets[1].ValueSecretReference.SecretURL = sptr("http://kv/secrets/x")
		}, bad, sec + ".secretUrl", "https"},
		{"afs account missing", func(p *api.ClusterBaseProperties) { p.NodeSetup.MountVolumes.AzureFileShares[0].AccountName = nil },
			miss, afs + ".accountName", ""},
		{"afs url missing", func(p *api.ClusterBaseProperties) { p.NodeSetup.MountVolumes.AzureFileShares[0].AzureFileURL = nil },
			miss, afs + ".azureFileUrl", ""},
		{"afs credentials missing", func(p *api.ClusterBaseProperties) { p.NodeSetup.MountVolumes.AzureFileShares[0].Credentials = nil },
			miss, afs + ".credentials", ""},
		{"afs credentials empty", func(p *api.ClusterBaseProperties) {
			p.NodeSetup.MountVolumes.AzureFileShares[0].Credentials = &api.AzureStorageCredentialsInfo{}
		}, miss, afs + ".credentials", "accountKeySecretReference"},
		{"afs credentials both", func(p *api.ClusterBaseProperties) {
			p.NodeSetup.MountVolumes.AzureFileShares[0].Credentials.AccountKeySecretReference = kvRef("k")
		}, bad, afs + ".credentials", "accountKey"},
		{"afs path missing", func(p *api.ClusterBaseProperties) {
			p.NodeSetup.MountVolumes.AzureFileShares[0].RelativeMountPath = nil
		},
			miss, afs + ".relativeMountPath", ""},
		{"bfs account missing", func(p *api.ClusterBaseProperties) { p.NodeSetup.MountVolumes.AzureBlobFileSystems[0].AccountName = nil },
			miss, bfs + ".accountName", ""},
		{"bfs container missing", func(p *api.ClusterBaseProperties) {
			p.NodeSetup.MountVolumes.AzureBlobFileSystems[0].ContainerName = nil
		},
			miss, bfs + ".containerName", ""},
		{"bfs credentials missing", func(p *api.ClusterBaseProperties) { p.NodeSetup.MountVolumes.AzureBlobFileSystems[0].Credentials = nil },
			miss, bfs + ".credentials", ""},
		{"bfs vault ref incomplete", func(p *api.ClusterBaseProperties) {
			p.NodeSetup.MountVolumes.AzureBlobFileSystems[1].Credentials.AccountKeySecretReference.SecretURL = nil
		}, miss, mv + ".azureBlobFileSystems[1].credentials.accountKeySecretReference.secretUrl", ""},
		{"bfs path missing", func(p *api.ClusterBaseProperties) {
			p.NodeSetup.MountVolumes.AzureBlobFileSystems[0].RelativeMountPath = sptr("")
		},
			miss, bfs + ".relativeMountPath", ""},
		{"file server missing", func(p *api.ClusterBaseProperties) { p.NodeSetup.MountVolumes.FileServers[0].FileServer = nil },
			miss, fs + ".fileServer", ""},
		{"file server id missing", func(p *api.ClusterBaseProperties) { p.NodeSetup.MountVolumes.FileServers[0].FileServer.ID = nil },
			miss, fs + ".fileServer.id", ""},
		{"file server id malformed", func(p *api.ClusterBaseProperties) { p.NodeSetup.MountVolumes.FileServers[0].FileServer.ID = sptr("fs") },
			bad, fs + ".fileServer.id", "fileServers"},
		{"file server path missing", func(p *api.ClusterBaseProperties) { p.NodeSetup.MountVolumes.FileServers[0].RelativeMountPath = nil },
			miss, fs + ".relativeMountPath", ""},
		{"unmanaged command missing", func(p *api.ClusterBaseProperties) {
			p.NodeSetup.MountVolumes.UnmanagedFileSystems[0].MountCommand = nil
		},
			miss, um + ".mountCommand", ""},
		{"unmanaged path missing", func(p *api.ClusterBaseProperties) {
			p.NodeSetup.MountVolumes.UnmanagedFileSystems[0].RelativeMountPath = nil
		}, miss, um + ".relativeMountPath", ""},
		{"app insights missing", func(p *api.ClusterBaseProperties) { p.NodeSetup.PerformanceCountersSettings.AppInsightsReference = nil },
			miss, ai, ""},
		{"app insights component missing", func(p *api.ClusterBaseProperties) {
			p.NodeSetup.PerformanceCountersSettings.AppInsightsReference.Component = nil
		}, miss, ai + ".component", ""},
		{"app insights component id missing", func(p *api.ClusterBaseProperties) {
			p.NodeSetup.PerformanceCountersSettings.AppInsightsReference.Component.ID = nil
		}, miss, ai + ".component.id", ""},
		{"app insights component id malformed", func(p *api.ClusterBaseProperties) {
			p.NodeSetup.PerformanceCountersSettings.AppInsightsReference.Component.ID = sptr("/subscriptions/s")
		}, bad, ai + ".component.id", "Microsoft.Insights/components"},
		{"app insights key neither", func(p *api.ClusterBaseProperties) {
			p.NodeSetup.PerformanceCountersSettings.AppInsightsReference.InstrumentationKey = nil
		}, miss, ai, "instrumentationKeySecretReference"},
		{"app insights key both", func(p *api.ClusterBaseProperties) {
			p.NodeSetup.PerformanceCountersSettings.AppInsightsReference.InstrumentationKeySecretReference = kvRef("ai")
		}, bad, ai, "instrumentationKey"},
		{"user missing", func(p *api.ClusterBaseProperties) { p.UserAccountSettings = nil }, miss, "properties.userAccountSettings", ""},
		{"user name missing", func(p *api.ClusterBaseProperties) { p.UserAccountSettings.AdminUserName = nil },
			miss, "properties.userAccountSettings.adminUserName", ""},
		{"user without key or password", func(p *api.ClusterBaseProperties) {
			p.UserAccountSettings.AdminUserPassword, p.UserAccountSettings.AdminUserSSHPublicKey = nil, sptr("")
		}, miss, "properties.userAccountSettings", "adminUserSshPublicKey"},
		{"user key not rsa", func(p *api.ClusterBaseProperties) {
			p.UserAccountSettings.AdminUserSSHPublicKey = sptr("ssh-ed25519 AAAAC3Nz")
		},
			bad, "properties.userAccountSettings.adminUserSshPublicKey", "ssh-rsa"},
		{"subnet id missing", func(p *api.ClusterBaseProperties) { p.Subnet.ID = nil }, miss, "properties.subnet.id", ""},
		{"subnet id is a vnet", func(p *api.ClusterBaseProperties) {
			p.Subnet.ID = sptr("/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v")
		}, bad, "properties.subnet.id", "subnets"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := fullProps()
			tc.mutate(&p)
			before := toMap(t, p)
			_, err := PrepareCreate(p)
			if err == nil {
				t.Fatal("accepted")
			}
			if err.Status != http.StatusBadRequest || err.Code != tc.code || err.Target != tc.target {
				t.Errorf("got %d %s target %q, want 400 %s target %q", err.Status, err.Code, err.Target, tc.code, tc.target)
			}
			if !strings.Contains(err.Message, tc.target) || !strings.Contains(err.Message, tc.mention) {
				t.Errorf("message %q should name %q and %q", err.Message, tc.target, tc.mention)
			}
			for _, s := range secrets {
				if strings.Contains(err.Message, s) {
					t.Errorf("message %q quotes a secret", err.Message)
				}
			}
			if !reflect.DeepEqual(before, toMap(t, p)) {
				t.Error("PrepareCreate modified its input")
			}
		})
	}
}

func TestPrepareCreateAcceptsAndDefaults(t *testing.T) {
	in := fullProps()
	in.NodeSetup.SetupTask.StdOutErrPathSuffix = sptr("client/sent/this")
	before := toMap(t, in)
	p := mustPrepare(t, in)
	if !reflect.DeepEqual(before, toMap(t, in)) {
		t.Error("PrepareCreate modified its input")
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"vmPriority", *p.VMPriority, "dedicated"},
		{"nodeDeallocationOption", *p.ScaleSettings.Manual.NodeDeallocationOption, "requeue"},
		{"image", toMap(t, p.VirtualMachineConfiguration.ImageReference),
			map[string]any{"publisher": "Canonical", "offer": "UbuntuServer", "sku": "16.04-LTS", "version": "latest"}},
		{"fileMode", *p.NodeSetup.MountVolumes.AzureFileShares[0].FileMode, "0777"},
		{"directoryMode", *p.NodeSetup.MountVolumes.AzureFileShares[0].DirectoryMode, "0777"},
		{"stdOutErrPathSuffix dropped", p.NodeSetup.SetupTask.StdOutErrPathSuffix, (*string)(nil)},
		{"secrets kept", *p.UserAccountSettings.AdminUserPassword, secrets[0]},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	// Pointers must not be shared with the input.
	*in.VMSize = "changed"
	if *p.VMSize != "STANDARD_NC6" {
		t.Error("PrepareCreate output aliases its input")
	}
}

func TestPrepareCreateVariants(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(p *api.ClusterBaseProperties)
		check  func(t *testing.T, p api.ClusterBaseProperties)
	}{
		{"enums are case-insensitive and come back lower-case", func(p *api.ClusterBaseProperties) {
			p.VMPriority = sptr("LowPriority")
			p.ScaleSettings.Manual.NodeDeallocationOption = sptr("WaitForJobCompletion")
		}, func(t *testing.T, p api.ClusterBaseProperties) {
			if *p.VMPriority != "lowpriority" || *p.ScaleSettings.Manual.NodeDeallocationOption != "waitforjobcompletion" {
				t.Errorf("got %s / %s", *p.VMPriority, *p.ScaleSettings.Manual.NodeDeallocationOption)
			}
		}},
		{"vm size case is kept", func(p *api.ClusterBaseProperties) { p.VMSize = sptr("standard_nc6s_v3") },
			func(t *testing.T, p api.ClusterBaseProperties) {
				if *p.VMSize != "standard_nc6s_v3" {
					t.Errorf("vmSize = %s", *p.VMSize)
				}
			}},
		{"autoScale initialNodeCount defaults to 0", func(p *api.ClusterBaseProperties) { *p = autoProps(1, 4, nil) },
			func(t *testing.T, p api.ClusterBaseProperties) {
				if *p.ScaleSettings.AutoScale.InitialNodeCount != 0 {
					t.Errorf("initialNodeCount = %d", *p.ScaleSettings.AutoScale.InitialNodeCount)
				}
			}},
		{"image version defaults to latest, custom image kept", func(p *api.ClusterBaseProperties) {
			p.VirtualMachineConfiguration = &api.VirtualMachineConfiguration{ImageReference: &api.ImageReference{
				Publisher: sptr("p"), Offer: sptr("o"), Sku: sptr("s"),
				VirtualMachineImageID: sptr("/subscriptions/s/resourceGroups/g/providers/microsoft.compute/images/i"),
			}}
		}, func(t *testing.T, p api.ClusterBaseProperties) {
			ref := p.VirtualMachineConfiguration.ImageReference
			if *ref.Version != "latest" || *ref.Publisher != "p" || ref.VirtualMachineImageID == nil {
				t.Errorf("image = %v", toMap(t, ref))
			}
		}},
		{"empty virtualMachineConfiguration gets the default image", func(p *api.ClusterBaseProperties) {
			p.VirtualMachineConfiguration = &api.VirtualMachineConfiguration{}
		}, func(t *testing.T, p api.ClusterBaseProperties) {
			if *p.VirtualMachineConfiguration.ImageReference.Sku != "16.04-LTS" {
				t.Error("no default image")
			}
		}},
		{"password alone is enough; empty env value is a value", func(p *api.ClusterBaseProperties) {
			p.UserAccountSettings.AdminUserSSHPublicKey = nil
			p.NodeSetup.SetupTask.EnvironmentVariables[0].Value = sptr("")
		}, func(*testing.T, api.ClusterBaseProperties) {}},
		{"ssh key alone is enough", func(p *api.ClusterBaseProperties) { p.UserAccountSettings.AdminUserPassword = nil },
			func(*testing.T, api.ClusterBaseProperties) {}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := fullProps()
			tc.mutate(&p)
			tc.check(t, mustPrepare(t, p))
		})
	}
}

func TestPrepareScaleKeepsInitialNodeCount(t *testing.T) {
	auto := api.ScaleSettings{AutoScale: &api.AutoScaleSettings{MinimumNodeCount: iptr(0), MaximumNodeCount: iptr(10)}}
	prevAuto := &api.ScaleSettings{AutoScale: &api.AutoScaleSettings{MinimumNodeCount: iptr(1), MaximumNodeCount: iptr(2), InitialNodeCount: iptr(2)}}
	prevManual := &api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: iptr(3)}}
	for _, tc := range []struct {
		name string
		prev *api.ScaleSettings
		want int32
	}{{"from manual", prevManual, 0}, {"from autoScale", prevAuto, 2}, {"at create", nil, 0}} {
		s, err := PrepareScale(auto, tc.prev)
		if err != nil {
			t.Fatal(err)
		}
		if got := *s.AutoScale.InitialNodeCount; got != tc.want {
			t.Errorf("%s: initialNodeCount = %d, want %d", tc.name, got, tc.want)
		}
	}
	if auto.AutoScale.InitialNodeCount != nil {
		t.Error("PrepareScale modified its input")
	}
}

func TestErrorBody(t *testing.T) {
	_, err := LookupVMSize("Standard_F4s")
	e := err.CloudError().Error
	if *e.Code != "InvalidPropertyValue" || *e.Target != "properties.vmSize" || len(e.Details) != 1 {
		t.Fatalf("body = %v", toMap(t, e))
	}
	d := e.Details[0]
	if *d.Code != "SupportedVMSizes" || !strings.Contains(*d.Message, "STANDARD_NC6,") || d.Target != nil {
		t.Errorf("detail = %v", toMap(t, d))
	}
	if !strings.Contains(err.Error(), "InvalidPropertyValue") {
		t.Errorf("Error() = %s", err.Error())
	}
}
