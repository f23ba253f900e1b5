package client_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

// downloadURLOf returns the download URL of name in the job's stdouterr listing.
func downloadURLOf(t *testing.T, c *client.Client, id api.JobID, name string) string {
	t.Helper()
	files, err := c.ListOutputFiles(t.Context(), id, client.OutputFilesOptions{OutputDirectoryID: api.OutputDirectoryStdOutErr})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if api.Deref(f.Name) == name {
			return api.Deref(f.DownloadURL)
		}
	}
	t.Fatalf("no %s in %+v", name, files)
	return ""
}

func TestEmulatorDownloadWholeFilesAndRanges(t *testing.T) {
	c, inst, xid, cid := jobsWorld(t)
	ctx := t.Context()
	id := api.JobID{SubscriptionID: xid.SubscriptionID, ResourceGroup: xid.ResourceGroup, Workspace: xid.Workspace, Experiment: xid.Name, Name: "lines"}
	p, err := c.BeginCreateJob(ctx, id, jobParams(cid, "echo one; echo two; echo three"))
	if err == nil {
		_, err = p.Wait(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	waitJob(t, ctx, c, id, "succeeded", executionState(api.ExecutionStateSucceeded))
	stdout := downloadURLOf(t, c, id, "stdout.txt")
	tokens := inst.Emulator.RequestCount("POST", "/oauth2/")

	whole, err := c.Download(ctx, stdout, client.DownloadRange{}, 1024)
	if err != nil || string(whole) != "one\ntwo\nthree\n" {
		t.Fatalf("whole file: %q %v", whole, err)
	}
	tail, err := c.Download(ctx, stdout, client.DownloadRange{Offset: 8, Length: 6}, 0)
	if err != nil || string(tail) != "three\n" {
		t.Fatalf("range 8+6: %q %v", tail, err)
	}
	if n := inst.Emulator.RequestCount("POST", "/oauth2/") - tokens; n != 0 {
		t.Errorf("a SAS download asked for %d token(s): it needs none", n)
	}
	_, err = c.Download(ctx, stdout, client.DownloadRange{}, 5)
	if !errors.Is(err, client.ErrDownloadTooLarge) {
		t.Errorf("a 14-byte file with a 5-byte limit: %v", err)
	}
}

// TestEmulatorDownloadErrorsNeverQuoteTheSAS checks every way a download fails: the error says what failed, and
// never holds the signature, which is a credential. The control proves the check can see a signature.
func TestEmulatorDownloadErrorsNeverQuoteTheSAS(t *testing.T) {
	c, inst, xid, cid := jobsWorld(t)
	ctx := t.Context()
	id := api.JobID{SubscriptionID: xid.SubscriptionID, ResourceGroup: xid.ResourceGroup, Workspace: xid.Workspace, Experiment: xid.Name, Name: "err"}
	p, err := c.BeginCreateJob(ctx, id, jobParams(cid, "echo oops >&2; exit 2"))
	if err == nil {
		_, err = p.Wait(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	waitJob(t, ctx, c, id, "failed", executionState(api.ExecutionStateFailed))
	good := downloadURLOf(t, c, id, "stderr.txt")
	u, err := url.Parse(good)
	if err != nil {
		t.Fatal(err)
	}
	sig := u.Query().Get("sig")
	holdsSAS := func(text string) bool {
		return strings.Contains(text, sig) || strings.Contains(text, url.QueryEscape(sig))
	}
	if !holdsSAS(good) {
		t.Fatal("control: the check does not find the signature in the URL itself")
	}

	q := u.Query()
	q.Set("sig", strings.Repeat("A", len(sig)))
	tampered := *u
	tampered.RawQuery = q.Encode()
	_, err = c.Download(ctx, tampered.String(), client.DownloadRange{}, 1024)
	var e *client.Error
	if !errors.As(err, &e) || e.StatusCode != 403 || e.Code != "AuthenticationFailed" {
		t.Errorf("a tampered signature: %v", err)
	}
	if err != nil && (strings.Contains(err.Error(), "AAAAAAAA") || strings.Contains(err.Error(), "sig=")) {
		t.Errorf("the error quotes the SAS: %v", err)
	}

	// The emulator stops: the transport error (a *url.Error, which names the whole URL) must not quote it. This
	// client does not retry, so that the error comes at once.
	once, err := client.New(client.Options{
		Endpoint: inst.Endpoint, Audience: inst.Audience, SubscriptionID: inst.SubscriptionID,
		Credential: inst.Credential(t), Transport: inst.HTTPClient(), MaxRetries: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := inst.Emulator.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = once.Download(ctx, good, client.DownloadRange{}, 1024)
	if err == nil {
		t.Fatal("a download from a stopped emulator succeeded")
	}
	if holdsSAS(err.Error()) || strings.Contains(err.Error(), "sig=") {
		t.Errorf("the transport error quotes the SAS: %v", err)
	}
	if !strings.Contains(err.Error(), "/stderr.txt") {
		t.Errorf("the transport error does not say which file: %v", err)
	}
	if _, err := c.Download(ctx, "http://example.com/x?sig=abc", client.DownloadRange{}, 1); err == nil || strings.Contains(err.Error(), "abc") {
		t.Errorf("a plain http URL: %v", err)
	}
}
