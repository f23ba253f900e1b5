package emulator_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// outputsJob runs examples/PutJob.json's command line, with an output directory and a preparation.
func (c *client) outputsJob() map[string]any {
	body := c.jobBody("echo hi | tee $AZ_BATCHAI_OUTPUT_OUTPUTS/hi.txt; echo model > $AZ_BATCHAI_OUTPUT_OUTPUTS/models/final.txt; "+
		"echo 'some warning' >&2", 1)
	p := obj(body["properties"])
	p["jobPreparation"] = map[string]any{"commandLine": "echo preparing"}
	p["outputDirectories"] = []any{map[string]any{"id": "OUTPUTS", "pathPrefix": "$AZ_BATCHAI_MOUNT_ROOT/azfiles/", "pathSuffix": "files"}}
	return body
}

// listFiles lists output files of job (in experiment exp).
func (c *client) listFiles(job, query string) (*response, api.FileListResult) {
	c.t.Helper()
	r := c.do("POST", c.job("exp", job)+"/listOutputFiles"+apiVersion+query, nil)
	var l api.FileListResult
	if r.status == 200 {
		r.decode(c.t, &l)
	}
	return r, l
}

// download GETs a URL without any credential but its own.
func download(t *testing.T, c *client, method, u string) *response {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, _ := io.ReadAll(resp.Body)
	return &response{status: resp.StatusCode, header: resp.Header, body: raw}
}

func TestListOutputFilesAndDownload(t *testing.T) {
	c, clock := jobWorld(t, clusterBody(1))
	c.must(202, "PUT", c.job("exp", "demo_job")+apiVersion, c.outputsJob())
	if r, l := c.listFiles("demo_job", "&outputdirectoryid=stdouterr"); r.status != 200 || len(l.Value) != 0 || l.NextLink != nil {
		t.Fatalf("queued job: %d %s", r.status, r.body)
	}
	clock.Advance(2*time.Second + 30*time.Second) // started and ended
	listedAt := clock.Now()
	r, l := c.listFiles("demo_job", "&outputdirectoryid=stdouterr&directory=.&linkexpiryinminutes=60&maxresults=1000")
	if r.status != 200 {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
	var names []string
	urls := map[string]string{}
	for _, f := range l.Value {
		names = append(names, *f.Name)
		if *f.FileType != "file" || f.Properties == nil || f.Properties.ContentLength == nil || f.Properties.LastModified == nil {
			t.Errorf("entry %s: %+v", *f.Name, f)
		}
		urls[*f.Name] = *f.DownloadURL
	}
	if strings.Join(names, ",") != "execution.log,stderr-job_prep.txt,stderr.txt,stdout-job_prep.txt,stdout.txt" {
		t.Fatalf("stdouterr: %v", names)
	}
	u, err := url.Parse(urls["stdout.txt"])
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Scheme != "https" || !strings.HasPrefix(u.Path, "/storage/"+c.inst.SubscriptionID+"/rg/workspaces/ws/experiments/exp/jobs/demo_job/") ||
		!strings.HasSuffix(u.Path, "/stdouterr/stdout.txt") || q.Get("sv") != "2018-03-28" || q.Get("sr") != "f" || q.Get("sp") != "rl" ||
		q.Get("se") != listedAt.Add(time.Hour).Format("2006-01-02T15:04:05Z") || q.Get("sig") == "" {
		t.Fatalf("download URL %s", u)
	}
	// The URL is its own credential: no bearer token.
	got := download(t, c, "GET", urls["stdout.txt"])
	if got.status != 200 || string(got.body) != "hi\n" || got.header.Get("Content-Type") != "application/octet-stream" {
		t.Fatalf("download: %d %q %v", got.status, got.body, got.header)
	}
	if head := download(t, c, "HEAD", urls["stderr.txt"]); head.status != 200 || head.header.Get("Content-Length") != "13" {
		t.Errorf("HEAD: %d %v", head.status, head.header)
	}
	if got := download(t, c, "GET", urls["stdout-job_prep.txt"]); string(got.body) != "preparing\n" {
		t.Errorf("prep output %q", got.body)
	}
	if got := download(t, c, "GET", urls["execution.log"]); !strings.Contains(string(got.body), "Job succeeded with exit code 0") {
		t.Errorf("execution log %q", got.body)
	}

	// Tampered and expired links are refused like Azure Storage refuses them.
	tampered := strings.Replace(urls["stdout.txt"], "stdout.txt", "stderr.txt", 1)
	badSig := strings.Replace(urls["stdout.txt"], "sig=", "sig=AAAA", 1)
	noSig := strings.Split(urls["stdout.txt"], "&sig=")[0]
	for name, link := range map[string]string{"other path": tampered, "bad signature": badSig, "no signature": noSig} {
		r := download(t, c, "GET", link)
		if r.status != 403 || r.header.Get("x-ms-error-code") != "AuthenticationFailed" ||
			!strings.HasPrefix(string(r.body), `<?xml version="1.0" encoding="UTF-8"?>`) || !strings.Contains(string(r.body), "<Code>AuthenticationFailed</Code>") {
			t.Errorf("%s: %d %v %s", name, r.status, r.header, r.body)
		}
	}
	if r := download(t, c, "PUT", urls["stdout.txt"]); r.status != 403 || r.header.Get("x-ms-error-code") != "AuthorizationPermissionMismatch" {
		t.Errorf("PUT with a read SAS: %d %s", r.status, r.body)
	}
	clock.Advance(time.Hour)
	if r := download(t, c, "GET", urls["stdout.txt"]); r.status != 403 || !strings.Contains(string(r.body), "Signed expiry time") {
		t.Errorf("expired: %d %s", r.status, r.body)
	}

	// linkexpiryinminutes is honored, within 5 to 600.
	_, l = c.listFiles("demo_job", "&outputdirectoryid=stdouterr&linkexpiryinminutes=5")
	fresh, _ := url.Parse(*l.Value[0].DownloadURL)
	if fresh.Query().Get("se") != clock.Now().Add(5*time.Minute).Format("2006-01-02T15:04:05Z") {
		t.Errorf("5-minute link expires %s", fresh.Query().Get("se"))
	}
	clock.Advance(4 * time.Minute)
	if r := download(t, c, "GET", *l.Value[0].DownloadURL); r.status != 200 {
		t.Errorf("a 5-minute link after 4 minutes: %d", r.status)
	}
	for _, bad := range []string{"4", "601", "x"} {
		r, _ := c.listFiles("demo_job", "&outputdirectoryid=stdouterr&linkexpiryinminutes="+bad)
		if r.status != 400 || r.code() != "InvalidParameter" || !strings.Contains(r.message(), "between 5 and 600") {
			t.Errorf("linkexpiryinminutes=%s: %d %s", bad, r.status, r.body)
		}
	}
}

func TestListOutputFilesOfAnOutputDirectory(t *testing.T) {
	c, clock := jobWorld(t, clusterBody(1), func(cfg *emulator.Config) { cfg.PageSize = 1 })
	c.must(202, "PUT", c.job("exp", "j")+apiVersion, c.outputsJob())
	clock.Advance(2 * time.Second)
	// The root holds hi.txt and the models folder (a folder has no URL and no properties), one per page.
	var entries []api.File
	next := c.job("exp", "j") + "/listOutputFiles" + apiVersion + "&outputdirectoryid=outputs"
	for method := "POST"; next != ""; method = "GET" {
		var page api.FileListResult
		c.must(200, method, next, nil).decode(t, &page)
		entries = append(entries, page.Value...)
		next = api.Deref(page.NextLink)
		if len(entries) > 3 {
			t.Fatal("too many pages")
		}
	}
	if len(entries) != 2 || *entries[0].Name != "hi.txt" || *entries[1].Name != "models" || *entries[1].FileType != "directory" ||
		entries[1].DownloadURL != nil || entries[1].Properties != nil {
		t.Fatalf("entries: %+v", entries)
	}
	if got := download(t, c, "GET", *entries[0].DownloadURL); string(got.body) != "hi\n" {
		t.Errorf("hi.txt: %d %q", got.status, got.body)
	}
	_, l := c.listFiles("j", "&outputdirectoryid=OUTPUTS&directory=models")
	if len(l.Value) != 1 || *l.Value[0].Name != "final.txt" || *l.Value[0].Properties.ContentLength != 6 {
		t.Fatalf("models: %+v", l.Value)
	}
	final := *l.Value[0].DownloadURL
	if got := download(t, c, "GET", final); string(got.body) != "model\n" || !strings.Contains(final, "/outputs/OUTPUTS/models/final.txt?") {
		t.Errorf("final.txt: %q from %s", got.body, final)
	}
	for query, code := range map[string]string{
		"":                        "MissingRequiredParameter",
		"&outputdirectoryid=nope": "InvalidParameter",
		"&outputdirectoryid=OUTPUTS&directory=../x": "InvalidParameter",
		"&outputdirectoryid=OUTPUTS&directory=/etc": "InvalidParameter",
	} {
		if r, _ := c.listFiles("j", query); r.status != 400 || r.code() != code {
			t.Errorf("query %q: %d %s", query, r.status, r.body)
		}
	}
	if r, _ := c.listFiles("nope", "&outputdirectoryid=stdouterr"); r.status != 404 || r.code() != "JobNotFound" {
		t.Errorf("missing job: %d %s", r.status, r.body)
	}
	// Once the job is gone, its links answer 404 ResourceNotFound, as storage does.
	r := c.must(202, "DELETE", c.job("exp", "j")+apiVersion, nil)
	clock.Advance(2 * time.Second)
	c.waitOperation(r.header.Get("Azure-AsyncOperation"))
	if got := download(t, c, "GET", final); got.status != 404 || got.header.Get("x-ms-error-code") != "ResourceNotFound" {
		t.Errorf("link of a deleted job: %d %s", got.status, got.body)
	}
}

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDownloadSignatureNeverLogged: the request log names the download path, never its signature.
func TestDownloadSignatureNeverLogged(t *testing.T) {
	logs := &syncBuffer{}
	c, clock := jobWorld(t, clusterBody(1), func(cfg *emulator.Config) {
		cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	c.must(202, "PUT", c.job("exp", "j")+apiVersion, c.jobBody("echo hi", 1))
	clock.Advance(time.Minute)
	_, l := c.listFiles("j", "&outputdirectoryid=stdouterr")
	link := *l.Value[len(l.Value)-1].DownloadURL
	if got := download(t, c, "GET", link); got.status != 200 {
		t.Fatalf("download: %d", got.status)
	}
	u, _ := url.Parse(link)
	sig := u.Query().Get("sig")
	escaped := url.QueryEscape(sig)
	// Negative control: the signature is there to be found, and the log did record the download.
	if len(sig) < 20 || !strings.Contains(link, escaped) || !strings.Contains(logs.String(), u.Path) {
		t.Fatalf("the check cannot see what it looks for: sig %q, log %s", sig, logs.String())
	}
	for _, s := range []string{sig, escaped, "sig="} {
		if strings.Contains(logs.String(), s) {
			t.Errorf("the log holds the signature (%q): %s", s, logs.String())
		}
	}
}

func TestDownloadLinksSurviveARestart(t *testing.T) {
	c, clock := jobWorld(t, clusterBody(1))
	c.must(202, "PUT", c.job("exp", "j")+apiVersion, c.jobBody("echo persisted", 1))
	clock.Advance(time.Minute)
	_, l := c.listFiles("j", "&outputdirectoryid=stdouterr")
	link := *l.Value[len(l.Value)-1].DownloadURL // stdout.txt
	inst := c.inst.Restart(t)
	c2 := &client{t: t, inst: inst, http: inst.HTTPClient(), token: inst.Token(t)}
	// The new process listens elsewhere; the same path and SAS on it are still valid.
	old, _ := url.Parse(link)
	moved := inst.Endpoint + old.Path + "?" + old.RawQuery
	if got := download(t, c2, "GET", moved); got.status != 200 || string(got.body) != "persisted\n" {
		t.Errorf("after a restart: %d %q", got.status, got.body)
	}
}
