package sim

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/script"
)

// OutputFile is a file of a job's output directory, with the content the job's command lines produced.
type OutputFile struct {
	// Path is relative to the output directory ("stdout.txt", "models/final.txt").
	Path     string
	Content  []byte
	Modified time.Time
}

// Names of the files of the reserved "stdouterr" output directory, as the service wrote them
// (examples/ListOutputFiles.json and recorded traffic).
const (
	FileStdout     = "stdout.txt"
	FileStderr     = "stderr.txt"
	FilePrepStdout = "stdout-job_prep.txt"
	FilePrepStderr = "stderr-job_prep.txt"
	FileExecLog    = "execution.log"
)

// OutputDirectoryIDs are the ids listOutputFiles accepts for the job: "stdouterr", then the job's own.
func (j *Job) OutputDirectoryIDs() []string {
	ids := []string{api.OutputDirectoryStdOutErr}
	for _, d := range j.Props.OutputDirectories {
		ids = append(ids, api.Deref(d.ID))
	}
	return ids
}

// OutputFiles lists the files of one output directory of the job (an id of OutputDirectoryIDs, matched
// case-insensitively), sorted by path, and reports false for an unknown id. A job has files once its run
// has started (they are those of its latest run; a requeued job has none until it starts again):
//   - "stdouterr" holds stdout.txt and stderr.txt (what the toolkit's command line printed; absent when the
//     job preparation failed), stdout-job_prep.txt and stderr-job_prep.txt with a job preparation, and
//     execution.log, the service's account of the run, which gains its last line when the job ends;
//   - every other directory holds what the command lines wrote under its $AZ_BATCHAI_OUTPUT_<id> (with
//     '>', '>>' or tee).
//
// base is the job-duration knob (it decides nothing in the content, but the interpreter needs it).
func (j *Job) OutputFiles(dirID string, base time.Duration) ([]OutputFile, bool) {
	var dir *api.OutputDirectory
	if !strings.EqualFold(dirID, api.OutputDirectoryStdOutErr) {
		for i, d := range j.Props.OutputDirectories {
			if strings.EqualFold(api.Deref(d.ID), dirID) {
				dir = &j.Props.OutputDirectories[i]
			}
		}
		if dir == nil {
			return nil, false
		}
	}
	r := j.Run
	if r == nil {
		return []OutputFile{}, true
	}
	x := j.execute(base)
	var files []OutputFile
	add := func(p, content string, at time.Time) {
		files = append(files, OutputFile{Path: p, Content: []byte(content), Modified: at})
	}
	if dir == nil {
		if x.prep != nil {
			add(FilePrepStdout, x.prep.Stdout, r.Start)
			add(FilePrepStderr, x.prep.Stderr, r.Start)
		}
		if x.main != nil {
			add(FileStdout, x.main.Stdout, r.Start)
			add(FileStderr, x.main.Stderr, r.Start)
		}
		log, at := j.executionLog(x)
		add(FileExecLog, log, at)
	} else {
		root := j.outputDir(*dir) + "/"
		for _, res := range []*script.Result{x.prep, x.main} {
			if res == nil {
				continue
			}
			for _, p := range res.Order {
				if rel, ok := strings.CutPrefix(p, root); ok && rel != "" {
					add(rel, res.Files[p], r.Start)
				}
			}
		}
		files = dedupe(files)
	}
	sort.Slice(files, func(a, b int) bool { return files[a].Path < files[b].Path })
	return files, true
}

// dedupe keeps the last version of every path (the main command line may rewrite what the preparation
// wrote).
func dedupe(files []OutputFile) []OutputFile {
	last := map[string]int{}
	for i, f := range files {
		last[f.Path] = i
	}
	out := files[:0:0]
	for i, f := range files {
		if last[f.Path] == i {
			out = append(out, f)
		}
	}
	return out
}

// executionLog is the service's account of the latest run, and when it was last written.
func (j *Job) executionLog(x execution) (string, time.Time) {
	r := j.Run
	var b strings.Builder
	line := func(t time.Time, format string, args ...any) {
		fmt.Fprintf(&b, "%s %s\n", *formatTime(t), fmt.Sprintf(format, args...))
	}
	nodes := make([]string, len(r.Nodes))
	for i, n := range r.Nodes {
		nodes[i] = n.ID
	}
	line(r.Start, "Job %s (attempt %d) started on %d node(s) of size %s: %s", j.Name, max(j.Attempts, 1), len(r.Nodes),
		r.VMSize, strings.Join(nodes, ", "))
	if cs := j.Props.ContainerSettings; cs != nil && cs.ImageSourceRegistry != nil {
		line(r.Start, "Container image %s ready", api.Deref(cs.ImageSourceRegistry.Image))
	}
	if x.prep != nil {
		line(r.Start, "Job preparation exited with code %d", x.prep.ExitCode)
	}
	if x.main != nil {
		line(r.Start, "Toolkit %s started: %s", ToolType(j.Props), j.commandLine())
	}
	last := r.Start
	if j.Ended() && !j.EndTime.Before(r.Start) {
		last = j.EndTime
		switch {
		case len(j.Errors) > 0:
			line(last, "Job failed: %s: %s", api.Deref(j.Errors[0].Code), api.Deref(j.Errors[0].Message))
		default:
			line(last, "Job %s with exit code %d", j.State, api.Deref(j.ExitCode))
		}
	}
	return b.String(), last
}
