package emulator_test

import (
	"strings"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

func TestFileServerLifecycle(t *testing.T) {
	c := newPausedClient(t, func(cfg *emulator.Config) { cfg.OperationDelay = 100 * time.Millisecond })
	c.createWorkspace("rg", "ws")
	path := c.fileServer("rg", "ws", "nfs") + apiVersion
	r := c.must(202, "PUT", path, fileServerBody())
	async := r.header.Get("Azure-AsyncOperation")
	var fs api.FileServer
	c.must(200, "GET", path, nil).decode(t, &fs)
	if *fs.Properties.ProvisioningState != "creating" {
		t.Errorf("state right after PUT: %s", *fs.Properties.ProvisioningState)
	}
	if op := c.waitOperation(async); *op.Status != "Succeeded" || *op.Properties.ResourceID != c.inst.SubscriptionID+"$rg$ws$nfs" {
		t.Fatalf("create: %+v", op)
	}
	r = c.must(200, "GET", path, nil)
	r.decode(t, &fs)
	p := fs.Properties
	if *p.ProvisioningState != "succeeded" || *p.DataDisks.CachingType != "none" || *p.MountSettings.MountPoint != "/mnt/data" ||
		p.MountSettings.FileServerPublicIP == nil || *p.MountSettings.FileServerInternalIP != "10.0.0.4" ||
		p.Subnet == nil || !strings.Contains(*p.Subnet.ID, "/providers/Microsoft.Network/virtualNetworks/") ||
		*p.SSHConfiguration.UserAccountSettings.AdminUserName != "admin_user" || *fs.Type != api.TypeFileServer {
		t.Errorf("file server: %s", r.body)
	}
	c.must(200, "PUT", path, fileServerBody()) // same properties: idempotent

	var list api.FileServerListResult
	c.must(200, "GET", c.ws("rg", "ws")+"/fileServers"+apiVersion, nil).decode(t, &list)
	if len(list.Value) != 1 {
		t.Errorf("list: %d", len(list.Value))
	}

	// A cluster mounting the file server inherits its subnet.
	body := clusterBody(0)
	obj(body["properties"])["nodeSetup"] = map[string]any{"mountVolumes": map[string]any{"fileServers": []any{
		map[string]any{"fileServer": map[string]any{"id": *fs.ID}, "relativeMountPath": "nfs"}}}}
	c.createCluster("rg", "ws", "withnfs", body)
	var cl api.Cluster
	c.must(200, "GET", c.cluster("rg", "ws", "withnfs")+apiVersion, nil).decode(t, &cl)
	if cl.Properties.Subnet == nil || *cl.Properties.Subnet.ID != *fs.Properties.Subnet.ID {
		t.Errorf("cluster subnet %+v", cl.Properties.Subnet)
	}
	c.must(200, "PUT", c.cluster("rg", "ws", "withnfs")+apiVersion, body) // the inherited subnet is no change
	mounts, _ := obj(obj(obj(body["properties"])["nodeSetup"])["mountVolumes"])["fileServers"].([]any)
	obj(mounts[0])["fileServer"] =
		map[string]any{"id": strings.Replace(*fs.ID, "/nfs", "/missing", 1)}
	if r := c.do("PUT", c.cluster("rg", "ws", "c2")+apiVersion, body); r.status != 400 {
		t.Errorf("mount of a missing file server: %d %s", r.status, r.body)
	}
	// The same names in another subscription are another file server, which does not exist here.
	obj(mounts[0])["fileServer"] = map[string]any{"id": strings.Replace(*fs.ID, c.inst.SubscriptionID,
		"5c3bd1a0-5a7f-4e55-b8b6-0f3c5d3e6f7a", 1)}
	if r := c.do("PUT", c.cluster("rg", "ws", "c2")+apiVersion, body); r.status != 400 {
		t.Errorf("mount of another subscription's file server: %d %s", r.status, r.body)
	}

	r = c.must(202, "DELETE", path, nil)
	c.must(200, "GET", path, nil).decode(t, &fs)
	if *fs.Properties.ProvisioningState != "deleting" {
		t.Errorf("state %s", *fs.Properties.ProvisioningState)
	}
	if op := c.waitOperation(r.header.Get("Azure-AsyncOperation")); *op.Status != "Succeeded" {
		t.Fatalf("delete: %+v", op)
	}
	r = c.do("GET", path, nil)
	if r.status != 404 || r.code() != "FileServerNotFound" {
		t.Errorf("after delete: %d %s", r.status, r.body)
	}
	c.must(204, "DELETE", path, nil)
	c.must(204, "DELETE", c.fileServer("rg", "nows", "nfs")+apiVersion, nil)
	c.checkNoSecrets()
}

func TestFileServerValidation(t *testing.T) {
	c := newClient(t)
	c.createWorkspace("rg", "ws")
	set := func(mut func(p map[string]any)) map[string]any {
		b := fileServerBody()
		mut(obj(b["properties"]))
		return b
	}
	disks := func(p map[string]any) map[string]any { return obj(p["dataDisks"]) }
	cases := []struct {
		name   string
		body   any
		target string
	}{
		{"no properties", map[string]any{}, "properties"},
		{"no vmSize", set(func(p map[string]any) { delete(p, "vmSize") }), "properties.vmSize"},
		{"bad vmSize", set(func(p map[string]any) { p["vmSize"] = "huge" }), "properties.vmSize"},
		{"no ssh", set(func(p map[string]any) { delete(p, "sshConfiguration") }), "properties.sshConfiguration"},
		{"no user", set(func(p map[string]any) { p["sshConfiguration"] = map[string]any{} }), "properties.sshConfiguration.userAccountSettings"},
		{"no admin name", set(func(p map[string]any) {
			p["sshConfiguration"] = map[string]any{"userAccountSettings": map[string]any{"adminUserPassword": "SENTINEL-X"}}
		}), "properties.sshConfiguration.userAccountSettings.adminUserName"},
		{"no credential", set(func(p map[string]any) {
			p["sshConfiguration"] = map[string]any{"userAccountSettings": map[string]any{"adminUserName": "u"}}
		}), "properties.sshConfiguration.userAccountSettings.adminUserSshPublicKey"},
		{"no disks", set(func(p map[string]any) { delete(p, "dataDisks") }), "properties.dataDisks"},
		{"no disk size", set(func(p map[string]any) { delete(disks(p), "diskSizeInGB") }), "properties.dataDisks.diskSizeInGB"},
		{"zero disk size", set(func(p map[string]any) { disks(p)["diskSizeInGB"] = 0 }), "properties.dataDisks.diskSizeInGB"},
		{"no disk count", set(func(p map[string]any) { delete(disks(p), "diskCount") }), "properties.dataDisks.diskCount"},
		{"no storage type", set(func(p map[string]any) { delete(disks(p), "storageAccountType") }), "properties.dataDisks.storageAccountType"},
		{"bad storage type", set(func(p map[string]any) { disks(p)["storageAccountType"] = "Ultra_LRS" }), "properties.dataDisks.storageAccountType"},
		{"bad caching", set(func(p map[string]any) { disks(p)["cachingType"] = "writeback" }), "properties.dataDisks.cachingType"},
		{"bad subnet", set(func(p map[string]any) { p["subnet"] = map[string]any{"id": "/nope"} }), "properties.subnet.id"},
		{"mount settings are read-only", set(func(p map[string]any) { p["mountSettings"] = map[string]any{} }), "properties.mountSettings"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := c.do("PUT", c.fileServer("rg", "ws", "fs")+apiVersion, tc.body)
			var ce api.CloudError
			r.decode(t, &ce)
			if r.status != 400 || api.Deref(ce.Error.Target) != tc.target {
				t.Fatalf("got %d target %q: %s", r.status, api.Deref(ce.Error.Target), r.body)
			}
		})
	}
	// Enums are case-insensitive and come back canonical; a changed property is a 409.
	ok := set(func(p map[string]any) {
		disks(p)["storageAccountType"] = "premium_lrs"
		disks(p)["cachingType"] = "ReadOnly"
	})
	r := c.must(202, "PUT", c.fileServer("rg", "ws", "fs")+apiVersion, ok)
	c.waitOperation(r.header.Get("Azure-AsyncOperation"))
	var fs api.FileServer
	c.must(200, "GET", c.fileServer("rg", "ws", "fs")+apiVersion, nil).decode(t, &fs)
	if *fs.Properties.DataDisks.StorageAccountType != "Premium_LRS" || *fs.Properties.DataDisks.CachingType != "readonly" {
		t.Errorf("enums: %+v", fs.Properties.DataDisks)
	}
	if r := c.do("PUT", c.fileServer("rg", "ws", "fs")+apiVersion, fileServerBody()); r.status != 409 || r.code() != "PropertyChangeNotAllowed" {
		t.Errorf("changed file server: %d %s", r.status, r.body)
	}
	c.checkNoSecrets()
}
