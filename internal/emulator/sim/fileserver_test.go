package sim

import (
	"strings"
	"testing"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

const testSubnetID = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default"

func fileServerProps() api.FileServerBaseProperties {
	return api.FileServerBaseProperties{
		VMSize: sptr("Standard_D2_v2"),
		SSHConfiguration: &api.SSHConfiguration{UserAccountSettings: &api.UserAccountSettings{
			AdminUserName: sptr("admin"), AdminUserPassword: sptr(secrets[0]),
		}},
		DataDisks: &api.DataDisks{DiskSizeInGB: iptr(10), DiskCount: iptr(2), StorageAccountType: sptr("premium_lrs")},
	}
}

func TestPrepareFileServer(t *testing.T) {
	in := fileServerProps()
	p, err := PrepareFileServer(&in)
	if err != nil {
		t.Fatal(err)
	}
	if *p.DataDisks.StorageAccountType != "Premium_LRS" || api.Deref(p.DataDisks.CachingType) != "none" {
		t.Errorf("enums and defaults: %+v", *p.DataDisks)
	}
	if *in.DataDisks.StorageAccountType != "premium_lrs" || in.DataDisks.CachingType != nil {
		t.Error("PrepareFileServer modified its input")
	}
	if api.Deref(p.SSHConfiguration.UserAccountSettings.AdminUserPassword) != secrets[0] {
		t.Error("the password must be kept (stored, never returned)")
	}

	for name, tc := range map[string]struct {
		change func(*api.FileServerBaseProperties)
		code   string
		target string
	}{
		"no vmSize":     {func(p *api.FileServerBaseProperties) { p.VMSize = nil }, CodeMissingRequiredProperty, "properties.vmSize"},
		"bad vmSize":    {func(p *api.FileServerBaseProperties) { p.VMSize = sptr("huge\x01") }, CodeInvalidPropertyValue, "properties.vmSize"},
		"no credential": {func(p *api.FileServerBaseProperties) { p.SSHConfiguration.UserAccountSettings.AdminUserPassword = nil }, CodeMissingRequiredProperty, "properties.sshConfiguration.userAccountSettings.adminUserSshPublicKey"},
		"private key": {func(p *api.FileServerBaseProperties) {
			p.SSHConfiguration.UserAccountSettings.AdminUserSSHPublicKey = sptr(secrets[2])
		}, CodeInvalidPropertyValue, "properties.sshConfiguration.userAccountSettings.adminUserSshPublicKey"},
		"too many IPs":      {func(p *api.FileServerBaseProperties) { p.SSHConfiguration.PublicIPsToAllow = make([]string, 401) }, CodeInvalidPropertyValue, "properties.sshConfiguration.publicIPsToAllow"},
		"disk too big":      {func(p *api.FileServerBaseProperties) { p.DataDisks.DiskSizeInGB = iptr(4096) }, CodeInvalidPropertyValue, "properties.dataDisks.diskSizeInGB"},
		"too many disks":    {func(p *api.FileServerBaseProperties) { p.DataDisks.DiskCount = iptr(65) }, CodeInvalidPropertyValue, "properties.dataDisks.diskCount"},
		"bad caching":       {func(p *api.FileServerBaseProperties) { p.DataDisks.CachingType = sptr("writeback") }, CodeInvalidPropertyValue, "properties.dataDisks.cachingType"},
		"subnet without ID": {func(p *api.FileServerBaseProperties) { p.Subnet = &api.ResourceID{} }, CodeMissingRequiredProperty, "properties.subnet.id"},
		"subnet of a vnet": {func(p *api.FileServerBaseProperties) {
			p.Subnet = &api.ResourceID{ID: sptr(strings.TrimSuffix(testSubnetID, "/subnets/default"))}
		}, CodeInvalidPropertyValue, "properties.subnet.id"},
	} {
		p := fileServerProps()
		tc.change(&p)
		_, err := PrepareFileServer(&p)
		if err == nil || err.Status != 400 || err.Code != tc.code || err.Target != tc.target || !strings.Contains(err.Message, tc.target) {
			t.Errorf("%s: got %v, want %s on %s", name, err, tc.code, tc.target)
			continue
		}
		for _, s := range secrets {
			if strings.Contains(err.Message, s) {
				t.Errorf("%s: the message quotes a secret: %s", name, err.Message)
			}
		}
		if strings.ContainsRune(err.Message, '\x01') {
			t.Errorf("%s: the message echoes a control character: %q", name, err.Message)
		}
	}
	if _, err := PrepareFileServer(nil); err == nil || err.Target != "properties" {
		t.Errorf("no properties: %v", err)
	}
}

func TestCompareFileServer(t *testing.T) {
	in := fileServerProps()
	stored, err := PrepareFileServer(&in)
	if err != nil {
		t.Fatal(err)
	}
	stored.Subnet = &api.ResourceID{ID: sptr(testSubnetID)}
	same := clone(stored)
	same.VMSize = sptr("STANDARD_D2_V2")
	same.Subnet = &api.ResourceID{ID: sptr(strings.ToUpper(testSubnetID))}
	if err := CompareFileServer("fs", stored, false, same); err != nil {
		t.Errorf("VM size and subnet compare case-insensitively: %v", err)
	}
	noSubnet := clone(stored)
	noSubnet.Subnet = nil
	if err := CompareFileServer("fs", stored, true, noSubnet); err != nil {
		t.Errorf("a subnet the service created matches a request without one: %v", err)
	}
	if err := CompareFileServer("fs", stored, false, noSubnet); err == nil || err.Target != "properties.subnet" {
		t.Errorf("a subnet the user gave must be given again: %v", err)
	}
	for target, change := range map[string]func(*api.FileServerBaseProperties){
		"properties.vmSize": func(p *api.FileServerBaseProperties) { p.VMSize = sptr("Standard_D4_v2") },
		"properties.sshConfiguration": func(p *api.FileServerBaseProperties) {
			p.SSHConfiguration.UserAccountSettings.AdminUserPassword = sptr("other")
		},
		"properties.dataDisks": func(p *api.FileServerBaseProperties) { p.DataDisks.DiskCount = iptr(3) },
	} {
		want := clone(stored)
		change(&want)
		err := CompareFileServer("fs", stored, false, want)
		if err == nil || err.Status != 409 || err.Code != CodePropertyChangeNotAllowed || err.Target != target ||
			!strings.Contains(err.Message, "file server fs") || strings.Contains(err.Message, secrets[0]) {
			t.Errorf("%s: got %v", target, err)
		}
	}
}
