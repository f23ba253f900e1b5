package sim

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// armIDMatches reports whether id has the shape
// /subscriptions/{s}/resourceGroups/{g}/providers/{namespace}/{type}/{name}[/{type}/{name}...]
// with non-empty names. Keys match case-insensitively, as ARM does.
func armIDMatches(id, namespace string, types ...string) bool {
	if !strings.HasPrefix(id, "/") {
		return false
	}
	parts := strings.Split(strings.TrimPrefix(id, "/"), "/")
	want := []string{"subscriptions", "", "resourceGroups", "", "providers", namespace}
	for _, t := range types {
		want = append(want, t, "")
	}
	if len(parts) != len(want) {
		return false
	}
	for i, w := range want {
		if parts[i] == "" || (w != "" && !strings.EqualFold(parts[i], w)) {
			return false
		}
	}
	return true
}

// isHTTPSURL reports whether s is an absolute https URL with a host (Key Vault secret URLs are).
func isHTTPSURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && strings.EqualFold(u.Scheme, "https") && u.Host != ""
}

// digest is a stable hash of the parts; it seeds everything "random" about a cluster, so the
// same inputs always give the same IPs, node ids and GUIDs. Resource IDs are lower-cased first
// because ARM IDs are case-insensitive.
func digest(parts ...string) [32]byte {
	return sha256.Sum256([]byte(strings.Join(parts, "\x00")))
}

// publicIP is the cluster's one public address (all nodes share it behind NAT ports, like
// examples/ClusterListRemoteLoginInfo.json). It has the shape of Azure's public ranges (13.x,
// 20.x, 40.x, 52.x) and is never contacted.
func publicIP(id string) string {
	d := digest("ip", strings.ToLower(id))
	first := []int{13, 20, 40, 52}[int(d[0])%4]
	return fmt.Sprintf("%d.%d.%d.%d", first, d[1], d[2], 1+int(d[3])%254)
}

// nodeIDPrefix is the "tvm-3601533753" part of node ids: a ten-digit number per cluster.
func nodeIDPrefix(id string) string {
	d := digest("pool", strings.ToLower(id))
	return fmt.Sprintf("tvm-%d", 1_000_000_000+binary.BigEndian.Uint64(d[:8])%9_000_000_000)
}

// nodeID follows the Azure Batch shape of examples/ClusterListRemoteLoginInfo.json:
// "tvm-3601533753_1-20170719t162906z" = prefix, node number, the pool's creation time.
func nodeID(prefix string, seq int, created time.Time) string {
	return fmt.Sprintf("%s_%d-%s", prefix, seq, created.UTC().Format("20060102t150405z"))
}

// stdOutErrPathSuffix is where, under the setup task's stdOutErrPathPrefix, the service writes
// the task's output: "{subscription}/{group}/workspaces/{ws}/clusters/{name}/{guid}". The GUID
// also depends on the creation time, so a cluster deleted and created again under the same name
// writes to a fresh folder.
func stdOutErrPathSuffix(id, name string, created time.Time) string {
	guid := guidFrom(digest("output", strings.ToLower(id), created.UTC().Format(time.RFC3339Nano)))
	cid, err := api.ParseClusterID(id)
	if err != nil {
		return fmt.Sprintf("clusters/%s/%s", name, guid)
	}
	return fmt.Sprintf("%s/%s/workspaces/%s/clusters/%s/%s", cid.SubscriptionID, cid.ResourceGroup, cid.Workspace, cid.Name, guid)
}

// guidFrom formats 16 bytes of d as a version-4 style UUID.
func guidFrom(d [32]byte) string {
	b := d[:16]
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
