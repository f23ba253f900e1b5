package emulator

import (
	"net/http"
	"slices"
	"strings"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// apiVersions is how a route checks its api-version query parameter.
type apiVersions int

const (
	versionBatchAI       apiVersions = iota // exactly 2018-05-01
	versionResources                        // any Microsoft.Resources version clients use for resource groups
	versionSubscriptions                    // Microsoft.Resources subscriptions and tenants (subscriptions.go)
	versionAuthorization                    // Microsoft.Authorization (roleassignments.go)
)

// resourcesAPIVersions are the Microsoft.Resources api-versions the resource group routes accept; azcore's
// armresources and azurerm each pin one of these.
var resourcesAPIVersions = []string{
	"2014-04-01", "2015-01-01", "2015-11-01", "2016-02-01", "2016-06-01", "2016-07-01", "2016-09-01",
	"2017-05-10", "2018-02-01", "2018-05-01", "2019-03-01", "2019-05-01", "2019-05-10", "2019-07-01",
	"2019-08-01", "2019-10-01", "2020-06-01", "2020-08-01", "2020-10-01", "2021-01-01", "2021-04-01",
	"2022-09-01", "2023-07-01", "2024-03-01", "2024-07-01", "2024-11-01", "2025-03-01", "2025-04-01",
}

// route is one ARM path template. Literal segments match case-insensitively, as ARM paths do; {wildcards}
// capture a segment (available through r.PathValue) and keep the caller's casing.
type route struct {
	segs     []string
	versions apiVersions
	// typeName names the resource type in api-version errors ("workspaces/clusters").
	typeName string
	methods  map[string]http.HandlerFunc
	// actions are the RBAC actions of the methods, derived from segs (authz.go); nil outside a subscription.
	actions map[string]string
}

const (
	pSub = "/subscriptions/{subscriptionId}"
	pRG  = pSub + "/resourcegroups/{resourceGroupName}"
	pBAI = "/providers/Microsoft.BatchAI"
	pWS  = pRG + pBAI + "/workspaces/{workspaceName}"
)

// routes is the ARM surface of the emulator (batchai-api-notes.md 1.2) plus a minimal Microsoft.Resources and
// Microsoft.Authorization (managementRoutes).
func (e *Emulator) routes() []route {
	r := newRoute
	type H = map[string]http.HandlerFunc
	return append(e.managementRoutes(), []route{
		r(pBAI+"/operations", versionBatchAI, "operations", H{"GET": e.listOperations}),
		r(pSub+"/resourcegroups", versionResources, "resourceGroups", H{"GET": e.listResourceGroups}),
		r(pRG, versionResources, "resourceGroups", H{
			"GET": e.getResourceGroup, "HEAD": e.headResourceGroup, "PUT": e.putResourceGroup,
			"PATCH": e.patchResourceGroup, "DELETE": e.deleteResourceGroup,
		}),
		r(pSub+"/operationresults/{operationId}", versionResources, "operationresults",
			H{"GET": e.getGroupOperation}),
		r(pSub+pBAI+"/locations/{location}/usages", versionBatchAI, "locations/usages", H{"GET": e.listUsages}),
		r(pSub+pBAI+"/locations/{location}/operationresults/{operationId}", versionBatchAI,
			"locations/operationresults", H{"GET": e.serveOperation(false)}),
		r(pSub+pBAI+"/locations/{location}/operationstatuses/{operationId}", versionBatchAI,
			"locations/operationstatuses", H{"GET": e.serveOperation(true)}),
		r(pSub+pBAI+"/workspaces", versionBatchAI, "workspaces", H{"GET": e.listWorkspacesBySubscription}),
		r(pRG+pBAI+"/workspaces", versionBatchAI, "workspaces", H{"GET": e.listWorkspacesByGroup}),
		r(pWS, versionBatchAI, "workspaces", H{
			"GET": e.getWorkspace, "PUT": e.putWorkspace, "PATCH": e.patchWorkspace, "DELETE": e.deleteWorkspace,
		}),
		r(pWS+"/clusters", versionBatchAI, "workspaces/clusters", H{"GET": e.listClusters}),
		r(pWS+"/clusters/{clusterName}", versionBatchAI, "workspaces/clusters", H{
			"GET": e.getCluster, "PUT": e.putCluster, "PATCH": e.patchCluster, "DELETE": e.deleteCluster,
		}),
		// POST answers the first page; nextLinks of the same list are followed with GET, as autorest-style
		// clients (and internal/client) do for every pageable operation.
		r(pWS+"/clusters/{clusterName}/listRemoteLoginInformation", versionBatchAI, "workspaces/clusters",
			H{"POST": e.listRemoteLogins, "GET": e.listRemoteLoginsNextPage}),
		r(pWS+"/experiments", versionBatchAI, "workspaces/experiments", H{"GET": e.listExperiments}),
		r(pWS+"/experiments/{experimentName}", versionBatchAI, "workspaces/experiments", H{
			"GET": e.getExperiment, "PUT": e.putExperiment, "DELETE": e.deleteExperiment,
		}),
		r(pWS+"/experiments/{experimentName}/jobs", versionBatchAI, "workspaces/experiments/jobs", H{"GET": e.listJobs}),
		r(pWS+"/experiments/{experimentName}/jobs/{jobName}", versionBatchAI, "workspaces/experiments/jobs", H{
			"GET": e.getJob, "PUT": e.putJob, "DELETE": e.deleteJob,
		}),
		r(pWS+"/experiments/{experimentName}/jobs/{jobName}/terminate", versionBatchAI, "workspaces/experiments/jobs",
			H{"POST": e.terminateJob}),
		r(pWS+"/experiments/{experimentName}/jobs/{jobName}/listOutputFiles", versionBatchAI,
			"workspaces/experiments/jobs", H{"POST": e.listOutputFiles, "GET": e.listOutputFiles}),
		r(pWS+"/experiments/{experimentName}/jobs/{jobName}/listRemoteLoginInformation", versionBatchAI,
			"workspaces/experiments/jobs", H{"POST": e.listJobRemoteLogins, "GET": e.listJobRemoteLogins}),
		r(pWS+"/fileServers", versionBatchAI, "workspaces/fileServers", H{"GET": e.listFileServers}),
		r(pWS+"/fileServers/{fileServerName}", versionBatchAI, "workspaces/fileServers", H{
			"GET": e.getFileServer, "PUT": e.putFileServer, "DELETE": e.deleteFileServer,
		}),
	}...)
}

func newRoute(pattern string, v apiVersions, typeName string, m map[string]http.HandlerFunc) route {
	return route{segs: strings.Split(strings.Trim(pattern, "/"), "/"), versions: v, typeName: typeName, methods: m}
}

// serveARM routes an authenticated ARM request: 404 for unknown paths, 405 for unsupported methods, 400
// for a missing or unsupported api-version, then the handler.
func (e *Emulator) serveARM(w http.ResponseWriter, r *http.Request) {
	if ae := e.meter(w, r); ae != nil {
		writeError(w, ae)
		return
	}
	segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	for _, rt := range e.routeTable() {
		vals, ok := rt.match(segs)
		if !ok {
			continue
		}
		h, ok := rt.methods[r.Method]
		if !ok && r.Method == http.MethodHead && rt.methods[http.MethodGet] != nil {
			// HEAD is ARM's existence check (Resources_CheckExistence): the GET without its body, 204 when
			// the GET would have answered 200.
			h, w = rt.methods[http.MethodGet], &headWriter{ResponseWriter: w}
			ok = true
		}
		if !ok {
			allowed := rt.allowed()
			ae := newError(http.StatusMethodNotAllowed, "MethodNotAllowed",
				"The requested method '%s' is not allowed for the resource type '%s'.", sanitize(r.Method), rt.typeName)
			ae.fromGateway().Header.Set("Allow", strings.Join(allowed, ", "))
			writeError(w, ae)
			return
		}
		if ae := rt.checkAPIVersion(r); ae != nil {
			writeError(w, ae)
			return
		}
		if ae := e.authorize(r, rt); ae != nil {
			writeError(w, ae)
			return
		}
		for k, v := range vals {
			r.SetPathValue(k, v)
		}
		if ae := e.checkNames(vals); ae != nil {
			writeError(w, ae)
			return
		}
		h(w, r)
		return
	}
	writeError(w, unknownRoute(segs))
}

// allowed lists the methods a route answers, for the Allow header: HEAD wherever GET is served.
func (rt route) allowed() []string {
	allowed := make([]string, 0, len(rt.methods)+1)
	for m := range rt.methods {
		allowed = append(allowed, m)
	}
	if rt.methods[http.MethodGet] != nil && rt.methods[http.MethodHead] == nil {
		allowed = append(allowed, http.MethodHead)
	}
	slices.Sort(allowed)
	return allowed
}

// routeTable is routes, each with its RBAC actions: a route added to routes is authorized without more work.
func (e *Emulator) routeTable() []route {
	e.routesOnce.Do(func() {
		e.routeList = e.routes()
		for i := range e.routeList {
			e.routeList[i].actions = deriveActions(e.routeList[i].segs, e.routeList[i].methods)
		}
	})
	return e.routeList
}

// match compares path segments with the template and returns the captured wildcards.
func (rt route) match(segs []string) (map[string]string, bool) {
	if len(segs) != len(rt.segs) {
		return nil, false
	}
	vals := map[string]string{}
	for i, s := range rt.segs {
		if strings.HasPrefix(s, "{") {
			if segs[i] == "" {
				return nil, false
			}
			vals[s[1:len(s)-1]] = segs[i]
			continue
		}
		if !strings.EqualFold(s, segs[i]) {
			return nil, false
		}
	}
	return vals, true
}

func (rt route) checkAPIVersion(r *http.Request) *apiError {
	v := r.URL.Query().Get("api-version")
	if v == "" {
		return errMissingAPIVersion()
	}
	switch rt.versions {
	case versionResources, versionSubscriptions, versionAuthorization:
		supported := map[apiVersions][]string{versionResources: resourcesAPIVersions,
			versionSubscriptions: subscriptionsAPIVersions, versionAuthorization: authorizationAPIVersions}[rt.versions]
		if !slices.Contains(supported, v) {
			return newError(http.StatusBadRequest, "InvalidApiVersionParameter",
				"The api-version '%s' is invalid. The supported versions are '%s'.",
				sanitize(v), strings.Join(supported, ",")).fromGateway()
		}
	default:
		if v != api.APIVersion {
			return newError(http.StatusBadRequest, "NoRegisteredProviderFound",
				"No registered resource provider found for API version '%s' and type '%s' in namespace '%s'. "+
					"The supported api-versions are '%s'.", sanitize(v), rt.typeName, api.ProviderNamespace, api.APIVersion).fromGateway()
		}
	}
	return nil
}

// unknownRoute answers a path no route matched, with the codes ARM uses for an unknown resource type or
// namespace.
func unknownRoute(segs []string) *apiError {
	// /subscriptions/{s}/resourceGroups/{g}/providers/{namespace}/{type}/...
	var ns string
	var rest []string
	for i := 0; i+1 < len(segs); i++ {
		if strings.EqualFold(segs[i], "providers") {
			ns, rest = segs[i+1], segs[i+2:]
			break
		}
	}
	switch {
	case ns != "" && strings.EqualFold(ns, api.ProviderNamespace):
		var types []string
		for i := 0; i < len(rest); i += 2 {
			types = append(types, rest[i])
		}
		return newError(http.StatusNotFound, "InvalidResourceType",
			"The resource type '%s' could not be found in the namespace '%s' for api version '%s'.",
			sanitize(strings.Join(types, "/")), api.ProviderNamespace, api.APIVersion).fromGateway()
	case ns != "":
		return newError(http.StatusBadRequest, "InvalidResourceNamespace",
			"The resource namespace '%s' is invalid.", sanitize(ns)).fromGateway()
	}
	return newError(http.StatusNotFound, "NotFound", "The requested path '/%s' does not exist.",
		sanitize(strings.Join(segs, "/"))).fromGateway()
}
