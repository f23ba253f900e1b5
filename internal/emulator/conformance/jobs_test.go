package conformance

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// priorityAsRecorded is an example job body with the examples' "priority" spelled "schedulingPriority", as
// the spec and real traffic spell it: the shape a client must expect.
func priorityAsRecorded(body any) any {
	props, _ := get(body, "properties").(map[string]any)
	if p, ok := props["priority"]; ok {
		props["schedulingPriority"] = p
		delete(props, "priority")
	}
	return body
}

// TestExperimentAndJobExamplesReplay sends Microsoft's experiment and job example requests (only the
// subscription replaced, and one documented correction) and checks every answer against the statuses and
// schemas of the spec and the shapes of the example responses.
func TestExperimentAndJobExamplesReplay(t *testing.T) {
	t.Parallel()
	// Jobs run for an hour, so the examples of a running job (remote logins, terminate) find one.
	e := newEnv(t, func(c *emulator.Config) { c.JobDuration = time.Hour })
	s := loadSpec(t)
	send := func(file, method string, body any, over map[string]string, query string) *resp {
		t.Helper()
		ex := loadExample(t, file, e.sub)
		r := e.do(method, s.requestPath(t, file, ex, over)+query, body)
		if op := s.operationFor(method, r.url); op == nil || op.id != s.byEx[file].id {
			t.Errorf("%s: the request did not map back to its operation %s", file, s.byEx[file].id)
		}
		return r
	}
	exampleResponse := func(file, status string) any {
		return loadExample(t, file, e.sub).Responses[status]["body"]
	}
	e.putWorkspace(exampleRG, "demo_workspace")
	cluster := e.createAndWait(e.cluster(exampleRG, "demo_workspace", "demo_cluster"), `{"properties":{"vmSize":"STANDARD_NC6",`+
		`"scaleSettings":{"manual":{"targetNodeCount":1}},"userAccountSettings":{"adminUserName":"u","adminUserPassword":"`+
		e.secret("Conformance-pw-1")+`"}}}`)
	eventually(t, "an idle node", func() bool {
		c := e.do("GET", e.cluster(exampleRG, "demo_workspace", "demo_cluster")+v, nil).want(t, 200).body
		return get(c, "properties.nodeStateCounts.idleNodeCount") == 1.0
	})
	_ = cluster

	// Experiments: the example's {"properties":{}} and no body at all both answer 200 at once (recorded).
	x := send("PutExperiment.json", "PUT", exampleBody(t, e, "PutExperiment.json"), nil, "").want(t, 200)
	checkShapeLike(t, "PutExperiment", exampleResponse("PutExperiment.json", "200"), x.body)
	if str(x.body, "type") != "Microsoft.BatchAI/workspaces/experiments" || str(x.body, "properties.provisioningState") != "succeeded" {
		t.Errorf("experiment: %s", x.raw)
	}
	send("PutExperiment.json", "PUT", nil, nil, "").want(t, 200)
	checkShapeLike(t, "GetExperiment", exampleResponse("GetExperiment.json", "200"), send("GetExperiment.json", "GET", nil, nil, "").want(t, 200).body)
	xl := send("ListExperimentByWorkspace.json", "GET", nil, nil, "").want(t, 200)
	checkShapeLike(t, "ListExperimentByWorkspace", exampleResponse("ListExperimentByWorkspace.json", "200"), xl.body)

	// PutJob.json names its cluster ".../workspace/demo_workspace/clusters/demo_cluster" ("workspace" for
	// "workspaces"): that is no cluster ID, and is refused with a 400 naming the property. With that one
	// segment corrected, the example request is accepted verbatim.
	body := exampleBody(t, e, "PutJob.json")
	bad := send("PutJob.json", "PUT", body, nil, "")
	if bad.status != 400 || str(bad.body, "error.target") != "properties.cluster.id" {
		t.Errorf("PutJob with the example's cluster ID: %d %s", bad.status, bad.raw)
	}
	clusterRef := object(t, body, "properties.cluster")
	clusterRef["id"] = strings.Replace(str(clusterRef, "id"), "/workspace/", "/workspaces/", 1)
	r := send("PutJob.json", "PUT", body, nil, "").want(t, 202)
	if op := e.pollAsync(r); str(op, "status") != "Succeeded" {
		t.Fatalf("PutJob operation: %v", op)
	}
	job := send("GetJob.json", "GET", nil, nil, "").want(t, 200).body
	checkShapeLike(t, "PutJob", priorityAsRecorded(exampleResponse("PutJob.json", "200")), job)
	checkShapeLike(t, "GetJob", priorityAsRecorded(exampleResponse("GetJob.json", "200")), job)
	for path, want := range map[string]string{
		"type":                          "Microsoft.BatchAI/workspaces/experiments/jobs",
		"properties.toolType":           "custom",
		"properties.schedulingPriority": "normal",
		"properties.constraints.maxWallClockTime":                "P150D", // recorded; the examples show P7D
		"properties.customToolkitSettings.commandLine":           "echo hi | tee $AZ_BATCHAI_OUTPUT_OUTPUTS/hi.txt",
		"properties.containerSettings.imageSourceRegistry.image": "ubuntu",
	} {
		if got := str(job, path); got != want {
			t.Errorf("job %s = %q, want %q", path, got, want)
		}
	}
	if got := get(job, "properties.priority"); got != nil {
		t.Errorf("the job spells its priority %q as the examples do; the service answered schedulingPriority", got)
	}
	// ListJobByExperiment.json lists "demo_experimnet" (sic): the experiment the other examples create.
	jl := send("ListJobByExperiment.json", "GET", nil, map[string]string{"experimentName": "demo_experiment"}, "").want(t, 200)
	checkShapeLike(t, "ListJobByExperiment", priorityAsRecorded(exampleResponse("ListJobByExperiment.json", "200")), jl.body)
	if n := len(asList(jl.body["value"])); n != 1 {
		t.Errorf("%d jobs listed", n)
	}

	eventually(t, "the job running", func() bool {
		return str(send("GetJob.json", "GET", nil, nil, "").want(t, 200).body, "properties.executionState") == "running"
	})
	logins := send("JobListRemoteLoginInfo.json", "POST", nil, nil, "").want(t, 200)
	checkShapeLike(t, "JobListRemoteLoginInfo", exampleResponse("JobListRemoteLoginInfo.json", "200"), logins.body)

	// ListOutputFiles.json: stdouterr holds the files; each downloadUrl serves the file with no token.
	files := send("ListOutputFiles.json", "POST", nil, nil, "&outputdirectoryid=stdouterr").want(t, 200)
	checkShapeLike(t, "ListOutputFiles", exampleResponse("ListOutputFiles.json", "200"), files.body)
	var stdout string
	for _, f := range asList(files.body["value"]) {
		if str(f, "name") == "stdout.txt" {
			stdout = str(f, "downloadUrl")
		}
	}
	dl, err := e.hc.Get(stdout)
	if err != nil {
		t.Fatal(err)
	}
	content, _ := io.ReadAll(dl.Body)
	_ = dl.Body.Close()
	if dl.StatusCode != http.StatusOK || string(content) != "hi\n" {
		t.Errorf("stdout.txt: %d %q", dl.StatusCode, content)
	}
	outs := send("ListOutputFiles.json", "POST", nil, nil, "&outputdirectoryid=OUTPUTS").want(t, 200)
	if l := asList(outs.body["value"]); len(l) != 1 || str(l[0], "name") != "hi.txt" {
		t.Errorf("OUTPUTS: %s", outs.raw)
	}

	// TerminateJob.json: 202, then the job has failed; terminating it again is a 200.
	term := send("TerminateJob.json", "POST", nil, nil, "").want(t, 202)
	if op := e.pollAsync(term); str(op, "status") != "Succeeded" {
		t.Errorf("TerminateJob operation: %v", op)
	}
	if got := send("GetJob.json", "GET", nil, nil, "").want(t, 200).body; str(got, "properties.executionState") != "failed" {
		t.Errorf("after terminate: %v", get(got, "properties.executionState"))
	}
	send("TerminateJob.json", "POST", nil, nil, "").want(t, 200)

	for _, f := range []string{"DeleteJob.json", "DeleteExperiment.json"} {
		r := send(f, "DELETE", nil, nil, "").want(t, 200, 202, 204)
		if r.status == 202 {
			if op := e.pollAsync(r); str(op, "status") != "Succeeded" {
				t.Errorf("%s: %v", f, op)
			}
		}
	}
	send("GetJob.json", "GET", nil, nil, "").wantError(t, 404, "ExperimentNotFound")
	send("GetExperiment.json", "GET", nil, nil, "").wantError(t, 404, "ExperimentNotFound")
}

// TestJobErrorsAreCloudErrors: the job and experiment routes answer ARM's error shapes and the codes
// recorded traffic shows.
func TestJobErrorsAreCloudErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.putWorkspace(exampleRG, "ws")
	exp := e.ws(exampleRG, "ws") + "/experiments/exp"
	e.do("GET", exp+v, nil).wantError(t, 404, "ExperimentNotFound")
	e.do("PUT", exp+v, nil).want(t, 200)
	r := e.do("GET", exp+"/jobs/job"+v, nil).wantError(t, 404, "JobNotFound")
	if r.message() != "The specified job job is not found" {
		t.Errorf("message %q (recorded: \"The specified job job is not found\")", r.message())
	}
	e.do("PUT", exp+"/jobs/job"+v, `{"properties":{}}`).wantError(t, 400, "MissingRequiredProperty")
	e.do("POST", exp+"/jobs/job/listOutputFiles"+v+"&outputdirectoryid=stdouterr", nil).wantError(t, 404, "JobNotFound")
	e.do("DELETE", exp+"/jobs/job"+v, nil).want(t, 204)
	e.do("PATCH", exp+"/jobs/job"+v, `{}`).wantError(t, 405, "MethodNotAllowed")
}
