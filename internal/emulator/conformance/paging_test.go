package conformance

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// collect follows nextLinks from first (a list path with its query) with method and returns every item's
// "name" (or "nodeId"), checking each page against the operation's schema and that no page is larger than max.
func (e *env) collect(op, method, first string, maxResults int) []string {
	e.t.Helper()
	var names []string
	next := first
	for pages := 0; next != ""; pages++ {
		if pages > 100 {
			e.t.Fatalf("%s: more than 100 pages", op)
		}
		r := e.do(method, next, nil).want(e.t, 200)
		if got := e.spec.operationFor(method, r.url); method == "GET" && !strings.Contains(r.url, "listRemoteLoginInformation") && (got == nil || got.id != op) {
			e.t.Errorf("%s: the page URL %s is not the operation's", op, r.url)
		}
		items := asList(r.body["value"])
		if maxResults > 0 && len(items) > maxResults {
			e.t.Errorf("%s: a page of %d items with maxresults=%d", op, len(items), maxResults)
		}
		for _, it := range items {
			names = append(names, cmpOr(str(it, "name"), str(it, "nodeId")))
		}
		nl, _ := r.body["nextLink"].(string)
		if nl != "" {
			u, err := url.Parse(nl)
			if err != nil || u.Scheme != "https" || !strings.EqualFold("https://"+u.Host, e.base) {
				e.t.Fatalf("%s: nextLink %q is not an absolute URL on the emulator", op, nl)
			}
			if u.Query().Get("api-version") != apiVersion {
				e.t.Errorf("%s: nextLink %q lacks the api-version", op, nl)
			}
			if maxResults > 0 && u.Query().Get("maxresults") != fmt.Sprint(maxResults) {
				e.t.Errorf("%s: nextLink %q does not carry maxresults=%d", op, nl, maxResults)
			}
			if len(items) == 0 {
				e.t.Errorf("%s: an empty page with a nextLink", op)
			}
		}
		next = nl
	}
	return names
}

func distinct(names []string) bool {
	seen := map[string]bool{}
	for _, n := range names {
		if seen[strings.ToLower(n)] {
			return false
		}
		seen[strings.ToLower(n)] = true
	}
	return true
}

// TestMaxResults: maxresults is an int32 between 1 and 1000 (spec MaxResultsParameter); anything else is a 400.
// Lists honor it page after page through their nextLinks, and paging neither skips nor repeats items.
func TestMaxResults(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for i := range 5 {
		e.putWorkspace(exampleRG, fmt.Sprintf("ws%d", i))
	}
	for i := range 3 {
		e.createAndWait(e.cluster(exampleRG, "ws0", fmt.Sprintf("c%d", i)), minimalCluster(t, e))
		e.createAndWait(e.fileServer(exampleRG, "ws0", fmt.Sprintf("f%d", i)), fileServerBody(t, e))
	}
	lists := []struct{ op, path string }{
		{"Workspaces_List", "/subscriptions/" + e.sub + "/providers/Microsoft.BatchAI/workspaces"},
		{"Workspaces_ListByResourceGroup", e.rg(exampleRG) + "/providers/Microsoft.BatchAI/workspaces"},
		{"Clusters_ListByWorkspace", e.ws(exampleRG, "ws0") + "/clusters"},
		{"FileServers_ListByWorkspace", e.ws(exampleRG, "ws0") + "/fileServers"},
	}
	for _, l := range lists {
		for _, bad := range []string{"0", "1001", "-1", "abc", "1.5", "99999999999"} {
			e.do("GET", l.path+v+"&maxresults="+bad, nil).want(t, 400)
		}
		all := e.collect(l.op, "GET", l.path+v, 0)
		for _, n := range []int{1, 2, 1000} {
			got := e.collect(l.op, "GET", l.path+v+"&maxresults="+fmt.Sprint(n), n)
			if len(got) != len(all) || !distinct(got) {
				t.Errorf("%s maxresults=%d: %v, want the %d items %v", l.op, n, got, len(all), all)
			}
		}
		if want := map[bool]int{true: 5, false: 3}[strings.HasSuffix(l.path, "workspaces")]; len(all) != want {
			t.Errorf("%s: %d items %v, want %d", l.op, len(all), all, want)
		}
	}
}

// TestRemoteLoginPaging: listRemoteLoginInformation is pageable (x-ms-pageable); its nextLinks work with the GET
// that autorest-style clients use for next pages and with a repeated POST.
func TestRemoteLoginPaging(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *emulator.Config) { c.PageSize = 2 })
	e.putWorkspace(exampleRG, "ws")
	body := minimalCluster(t, e)
	object(t, body, "properties.scaleSettings.manual")["targetNodeCount"] = 5
	path := e.cluster(exampleRG, "ws", "c")
	e.createAndWait(path, body)
	eventually(t, "5 nodes", func() bool {
		return get(e.do("GET", path+v, nil).body, "properties.currentNodeCount") == float64(5)
	})
	first := e.do("POST", path+"/listRemoteLoginInformation"+v, nil).want(t, 200)
	next, _ := first.body["nextLink"].(string)
	if next == "" || len(asList(first.body["value"])) != 2 {
		t.Fatalf("first page: %s", first.raw)
	}
	byGet := e.collect("Clusters_ListRemoteLoginInformation", "GET", next, 0)
	byPost := e.collect("Clusters_ListRemoteLoginInformation", "POST", next, 0)
	if len(byGet) != 3 || strings.Join(byGet, ",") != strings.Join(byPost, ",") || !distinct(byGet) {
		t.Errorf("next pages by GET %v, by POST %v", byGet, byPost)
	}
	ports := map[float64]bool{}
	ip := ""
	for _, it := range append(asList(first.body["value"]), asList(e.do("GET", next, nil).body["value"])...) {
		port, _ := get(it, "port").(float64)
		if port < 50000 || ports[port] {
			t.Errorf("node %v: SSH ports are distinct and start at 50000", it)
		}
		ports[port] = true
		if ip != "" && str(it, "ipAddress") != ip {
			t.Errorf("nodes share one public IP: %v", it)
		}
		ip = str(it, "ipAddress")
	}
}
