package emulator_test

import (
	"strings"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

func TestFileServerCreateTakesMinutes(t *testing.T) {
	c, clock := clockedClient(t, func(cfg *emulator.Config) { cfg.FileServerDelay = 4 * time.Minute })
	c.createWorkspace("rg", "ws")
	r := c.must(202, "PUT", c.fileServer("rg", "ws", "nfs")+apiVersion, fileServerBody())
	if len(r.body) != 0 {
		t.Errorf("202 with a body: %s", r.body)
	}
	async := r.header.Get("Azure-AsyncOperation")
	var first api.OperationStatus
	c.must(200, "GET", async, nil).decode(t, &first)
	clock.Advance(4*time.Minute - time.Second)
	var op api.OperationStatus
	c.must(200, "GET", async, nil).decode(t, &op)
	if *op.Status != "InProgress" || *op.StartTime != *first.StartTime {
		t.Fatalf("after 3 min 59 s: %+v", op)
	}
	var fs api.FileServer
	c.must(200, "GET", c.fileServer("rg", "ws", "nfs")+apiVersion, nil).decode(t, &fs)
	if *fs.Properties.ProvisioningState != "creating" {
		t.Errorf("file server while creating: %s", *fs.Properties.ProvisioningState)
	}
	clock.Advance(time.Second)
	if op := c.waitOperation(async); *op.Status != "Succeeded" {
		t.Fatalf("after 4 min: %+v", op)
	}
	c.must(200, "GET", c.fileServer("rg", "ws", "nfs")+apiVersion, nil).decode(t, &fs)
	m := fs.Properties.MountSettings
	if *fs.Properties.ProvisioningState != "succeeded" || *m.MountPoint != "/mnt/data" || *m.FileServerInternalIP != "10.0.0.4" ||
		api.Deref(m.FileServerPublicIP) == "" {
		t.Errorf("file server: %+v", fs.Properties)
	}
}

func TestFileServerProvisioningFailure(t *testing.T) {
	c, clock := clockedClient(t, func(cfg *emulator.Config) {
		cfg.FileServerDelay = 4 * time.Minute
		cfg.FailFileServers = true
	})
	c.createWorkspace("rg", "ws")
	r := c.must(202, "PUT", c.fileServer("rg", "ws", "nfs")+apiVersion, fileServerBody())
	clock.Advance(4 * time.Minute)
	raw := c.must(200, "GET", r.header.Get("Azure-AsyncOperation"), nil)
	var op api.OperationStatus
	raw.decode(t, &op)
	// As recorded: the error at the top level of the operation, and no properties.
	if *op.Status != "Failed" || op.EndTime == nil || op.Properties != nil || op.Error == nil ||
		*op.Error.Code != "FileServerProvisioningFailed" || *op.Error.Message != "File Server provisioning has failed" {
		t.Fatalf("operation: %s", raw.body)
	}
	var fs api.FileServer
	c.must(200, "GET", c.fileServer("rg", "ws", "nfs")+apiVersion, nil).decode(t, &fs)
	if *fs.Properties.ProvisioningState != "failed" {
		t.Errorf("file server: %s", *fs.Properties.ProvisioningState)
	}
	// A failed file server cannot be mounted.
	body := clusterBody(1)
	obj(body["properties"])["nodeSetup"] = map[string]any{"mountVolumes": map[string]any{"fileServers": []any{
		map[string]any{"fileServer": map[string]any{"id": c.fileServer("rg", "ws", "nfs")}, "relativeMountPath": "nfs"},
	}}}
	if r := c.do("PUT", c.cluster("rg", "ws", "c1")+apiVersion, body); r.status != 400 || !strings.Contains(r.message(), "is failed") {
		t.Errorf("cluster mounting a failed file server: %d %s", r.status, r.body)
	}
}

func TestJobMountsAFileServer(t *testing.T) {
	c, clock := jobWorld(t, clusterBody(1))
	c.must(202, "PUT", c.fileServer("rg", "ws", "nfs")+apiVersion, fileServerBody())
	clock.Advance(4 * time.Minute)
	mount := func(name string) map[string]any {
		body := c.jobBody("ls $AZ_BATCHAI_JOB_MOUNT_ROOT/nfs", 1)
		obj(body["properties"])["mountVolumes"] = map[string]any{"fileServers": []any{map[string]any{
			"fileServer": map[string]any{"id": c.fileServer("rg", "ws", name)}, "relativeMountPath": "nfs", "mountOptions": "rw",
		}}}
		return body
	}
	r := c.do("PUT", c.job("exp", "j")+apiVersion, mount("missing"))
	var ce api.CloudError
	r.decode(t, &ce)
	if r.status != 400 || *ce.Error.Target != "properties.mountVolumes.fileServers[0].fileServer.id" {
		t.Errorf("job mounting a missing file server: %d %s", r.status, r.body)
	}
	// Every mount is checked, not only the first one.
	both := mount("nfs")
	mv := obj(obj(both["properties"])["mountVolumes"])
	mounts, _ := mv["fileServers"].([]any)
	mv["fileServers"] = append(mounts, map[string]any{
		"fileServer": map[string]any{"id": c.fileServer("rg", "ws", "missing")}, "relativeMountPath": "nfs2"})
	if r := c.do("PUT", c.job("exp", "j")+apiVersion, both); r.status != 400 || !strings.Contains(r.message(), "fileServers[1]") {
		t.Errorf("a missing second file server: %d %s", r.status, r.body)
	}
	c.must(202, "PUT", c.job("exp", "j")+apiVersion, mount("nfs"))
	fsm := c.getJob("j").Properties.MountVolumes.FileServers
	if len(fsm) != 1 || *fsm[0].RelativeMountPath != "nfs" || *fsm[0].MountOptions != "rw" {
		t.Errorf("job mounts: %+v", fsm)
	}
}
