package provider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

// The waits of a job: until it has finished (wait_for_completion), and until a termination has stopped it
// (destroy). Each polls through pollUntil at the provider's poll interval: a job's execution has no operation
// and no Retry-After to follow. And what a failed job's error says: its exit code, the service's errors, and
// the last lines of its stderr.txt, read through the output-files API.

// errJobFailed says that a job ended in the failed execution state.
var errJobFailed = errors.New("the job failed")

// waitForJob polls the job until it has ended, and returns the last job read in every case. A job that
// failed returns errJobFailed; one whose provisioning failed, or that is being deleted outside Terraform, an
// error that says so; ctx ending (the create timeout, or an interrupt), an error that says where the job
// stood. A job that was just created may read as 404 for timing.notFoundGrace (ARM's eventual consistency).
func waitForJob(ctx context.Context, c *client.Client, t timing, id api.JobID) (api.Job, error) {
	var last api.Job
	var notFoundSince time.Time
	err := pollUntil(ctx, c.PollFrequency(), func(ctx context.Context) (bool, error) {
		j, err := c.GetJob(ctx, id)
		switch {
		case client.IsNotFound(err):
			if notFoundSince.IsZero() {
				notFoundSince = time.Now()
			}
			return time.Since(notFoundSince) > t.notFoundGrace, err
		case err != nil:
			return false, err
		}
		last, notFoundSince = j, time.Time{}
		p := api.Deref(j.Properties)
		switch state := api.Deref(p.ExecutionState); {
		case strings.EqualFold(api.Deref(p.ProvisioningState), api.ProvisioningStateFailed):
			return true, fmt.Errorf("the service failed to create the job%s", clusterErrorsText(api.Deref(p.ExecutionInfo).Errors))
		case isDeleting(p.ProvisioningState):
			return true, errors.New("the job is being deleted (outside Terraform?): it will never finish")
		case strings.EqualFold(state, api.ExecutionStateSucceeded):
			return true, nil
		case strings.EqualFold(state, api.ExecutionStateFailed):
			return true, errJobFailed
		default:
			tflog.Debug(ctx, "waiting for the job to finish", map[string]any{"execution_state": state})
			return false, nil
		}
	}, func(ctxErr error) error { return jobWaitExpiredError(last, ctxErr) })
	return last, err
}

// jobWaitExpiredError says where the job stood when the wait ran out or was interrupted.
func jobWaitExpiredError(last api.Job, ctxErr error) error {
	p := api.Deref(last.Properties)
	state := fmt.Sprintf("execution_state was %q", api.Deref(p.ExecutionState))
	if since := api.Deref(p.ExecutionStateTransitionTime); since != "" {
		state += " since " + since
	}
	if errors.Is(ctxErr, context.DeadlineExceeded) {
		return fmt.Errorf("timed out waiting for the job to finish (%s; a queued job waits for node_count idle "+
			"nodes of its cluster). It keeps running in Azure: raise the create timeout in the `timeouts` block, or set "+
			"wait_for_completion = false: %w", state, ctxErr)
	}
	return fmt.Errorf("interrupted while waiting for the job to finish (%s); it keeps running in Azure: %w", state, ctxErr)
}

// How much of a failed job's stderr its error shows.
const (
	stderrTailLines = 20
	stderrTailBytes = 4096
)

// jobFailureText explains a failed job: its exit code, the service's errors, and the last lines of the
// stderr.txt of its command line (or of its job preparation, when that is what failed). Reading stderr is
// best effort: when it fails, the text says so instead. The download URL is used once and never quoted.
func jobFailureText(ctx context.Context, c *client.Client, id api.JobID, j api.Job) string {
	p := api.Deref(j.Properties)
	info := api.Deref(p.ExecutionInfo)
	var b strings.Builder
	if info.ExitCode != nil {
		fmt.Fprintf(&b, "the job failed with exit code %d", *info.ExitCode)
	} else {
		b.WriteString("the job failed without an exit code")
	}
	b.WriteString(clusterErrorsText(info.Errors))
	if !strings.HasSuffix(b.String(), ".") {
		b.WriteString(".")
	}
	name := "stderr.txt"
	for _, e := range info.Errors {
		if api.Deref(e.Code) == "JobPreparationFailed" {
			name = "stderr-job_prep.txt"
		}
	}
	tail, err := outputFileTail(ctx, c, id, name)
	switch {
	case errors.Is(err, errNoSuchOutputFile):
		fmt.Fprintf(&b, "\n\nThe job wrote no %s: it did not start its command line.", name)
	case err != nil:
		fmt.Fprintf(&b, "\n\nThe job's %s could not be read: %s", name, err)
	case strings.TrimSpace(tail) == "":
		fmt.Fprintf(&b, "\n\nThe job's %s is empty.", name)
	default:
		fmt.Fprintf(&b, "\n\nLast lines of the job's %s:\n%s", name, indent(tail))
	}
	return b.String()
}

// errNoSuchOutputFile says that a listing has no file of that name.
var errNoSuchOutputFile = errors.New("the service lists no such file")

// outputFileTail returns the last lines (at most stderrTailLines, from the last stderrTailBytes) of a file of
// the job's stdouterr directory, read through its download URL with a range request.
func outputFileTail(ctx context.Context, c *client.Client, id api.JobID, name string) (string, error) {
	files, err := c.ListOutputFiles(ctx, id, client.OutputFilesOptions{
		OutputDirectoryID: api.OutputDirectoryStdOutErr, LinkExpiryInMinutes: api.LinkExpiryMinMinutes,
	})
	if err != nil {
		return "", err
	}
	for _, f := range files {
		if api.Deref(f.Name) != name || api.Deref(f.FileType) != api.FileTypeFile {
			continue
		}
		size := api.Deref(api.Deref(f.Properties).ContentLength)
		if size == 0 {
			return "", nil
		}
		offset := max(0, size-stderrTailBytes)
		raw, err := c.Download(ctx, api.Deref(f.DownloadURL), client.DownloadRange{Offset: offset, Length: size - offset}, 0)
		if err != nil {
			return "", err
		}
		if offset > 0 {
			// The range starts inside a line: drop that partial line.
			if i := bytes.IndexByte(raw, '\n'); i >= 0 {
				raw = raw[i+1:]
			}
		}
		lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
		if len(lines) > stderrTailLines {
			lines = lines[len(lines)-stderrTailLines:]
		}
		return strings.Join(lines, "\n"), nil
	}
	return "", errNoSuchOutputFile
}

// indent prefixes every line of s, so that a file's lines stand apart from the diagnostic's text.
func indent(s string) string {
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}

// terminateIfActive stops a job that is queued or running, as destroy does before deleting it, and waits for
// the termination: the job is then failed. A job that has ended, or is gone, needs nothing.
func terminateIfActive(ctx context.Context, c *client.Client, id api.JobID) error {
	j, err := c.GetJob(ctx, id)
	if client.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	p := api.Deref(j.Properties)
	if jobEnded(p) || isDeleting(p.ProvisioningState) {
		return nil
	}
	tflog.Info(ctx, "terminating the job before deleting it", map[string]any{"execution_state": api.Deref(p.ExecutionState)})
	poller, err := c.BeginTerminateJob(ctx, id)
	if client.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := poller.Wait(ctx); err != nil && !client.IsNotFound(err) {
		return err
	}
	return nil
}
