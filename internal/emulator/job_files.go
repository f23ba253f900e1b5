package emulator

import (
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/sim"
)

// Bounds of listOutputFiles' linkexpiryinminutes (spec: int32, 5 to 600, default 60).
const (
	linkExpiryMin     = api.LinkExpiryMinMinutes
	linkExpiryMax     = api.LinkExpiryMaxMinutes
	linkExpiryDefault = api.LinkExpiryDefaultMinutes
)

// listOutputFiles lists one directory of a job's output (POST; next pages with GET, as for the other
// actions): outputdirectoryid is required ("stdouterr" or an output directory id of the job), directory
// (default ".") is a folder inside it, linkexpiryinminutes (5 to 600, default 60) how long each
// downloadUrl stays valid, maxresults the page size. Files have a signed download URL, a size and a time;
// folders only their name (examples/ListOutputFiles.json). Recorded traffic answered 200 with an empty
// body accepted, and no nextLink for small listings.
func (e *Emulator) listOutputFiles(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && r.URL.Query().Get("$skiptoken") == "" {
		ae := newError(http.StatusMethodNotAllowed, "MethodNotAllowed",
			"The requested method 'GET' is not allowed for the action 'listOutputFiles'; use POST.")
		ae.Header = http.Header{"Allow": {"POST"}}
		e.respond(w, r, nil, ae)
		return
	}
	p, ae := e.parsePage(r)
	if ae != nil {
		e.respond(w, r, nil, ae)
		return
	}
	q := r.URL.Query()
	dirID, dir, expiry, ae := outputQuery(q)
	if ae != nil {
		e.respond(w, r, nil, ae)
		return
	}
	var rep *reply
	err := e.read(func(t *txn) error {
		j, err := t.jobPath(r)
		if err != nil {
			return err
		}
		files, ok := j.Sim.OutputFiles(dirID, t.e.simConfig().JobDuration)
		if !ok {
			return newError(http.StatusBadRequest, "InvalidParameter", "The output directory '%s' is not defined for "+
				"the job %s; the job has the output directories %s.", sanitize(dirID), j.Sim.Name,
				strings.Join(j.Sim.OutputDirectoryIDs(), ", ")).withTarget("outputdirectoryid")
		}
		entries := directoryEntries(files, dir)
		kind := []string{api.OutputDirectoryStdOutErr}
		if !strings.EqualFold(dirID, api.OutputDirectoryStdOutErr) {
			kind = []string{"outputs", canonicalID(j.Sim.OutputDirectoryIDs(), dirID)}
		}
		keys := make([]string, len(entries))
		values := make([]any, len(entries))
		for i, en := range entries {
			f := api.File{Name: api.Ptr(en.name), FileType: api.Ptr(api.FileTypeDirectory)}
			if en.file != nil {
				rel := append(append([]string(nil), kind...), strings.Split(en.file.Path, "/")...)
				f.FileType = api.Ptr(api.FileTypeFile)
				f.DownloadURL = api.Ptr(e.downloadURL(j.Sim.OutputSegment, rel, t.now.Add(expiry)))
				f.Properties = &api.FileProperties{
					LastModified:  api.Ptr(en.file.Modified.UTC().Format(sasTimeLayout)),
					ContentLength: api.Ptr(int64(len(en.file.Content))),
				}
			}
			keys[i], values[i] = en.name, f
		}
		rep = newReply(http.StatusOK, e.pageOf(r, p, keys, values))
		return nil
	})
	e.respond(w, r, rep, err)
}

// outputQuery reads and checks listOutputFiles' query parameters, with ARM-style 400s naming the one at
// fault.
func outputQuery(q map[string][]string) (dirID, dir string, expiry time.Duration, ae *apiError) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	dirID = get("outputdirectoryid")
	if dirID == "" {
		return "", "", 0, newError(http.StatusBadRequest, "MissingRequiredParameter", "The query parameter "+
			"'outputdirectoryid' is required: '%s' or the id of one of the job's output directories.",
			api.OutputDirectoryStdOutErr).withTarget("outputdirectoryid")
	}
	dir = get("directory")
	if dir == "" {
		dir = "."
	}
	clean := path.Clean(strings.ReplaceAll(dir, `\`, "/"))
	if strings.HasPrefix(clean, "/") || clean == ".." || strings.HasPrefix(clean, "../") {
		return "", "", 0, newError(http.StatusBadRequest, "InvalidParameter", "The value '%s' of query parameter "+
			"'directory' is invalid: it must be a folder inside the output directory, such as '.' or 'models'.",
			sanitize(dir)).withTarget("directory")
	}
	minutes := linkExpiryDefault
	if v := get("linkexpiryinminutes"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < linkExpiryMin || n > linkExpiryMax {
			return "", "", 0, newError(http.StatusBadRequest, "InvalidParameter", "The value '%s' of query parameter "+
				"'linkexpiryinminutes' is invalid: it must be an integer between %d and %d.", sanitize(v),
				linkExpiryMin, linkExpiryMax).withTarget("linkexpiryinminutes")
		}
		minutes = n
	}
	return dirID, clean, time.Duration(minutes) * time.Minute, nil
}

// entry is one item of a directory listing: a file, or a folder (file nil).
type entry struct {
	name string
	file *sim.OutputFile
}

// directoryEntries lists the immediate children of dir ("." for the root) among files, sorted by name: each
// file directly in dir, and each folder that holds files deeper down, once.
func directoryEntries(files []sim.OutputFile, dir string) []entry {
	prefix := ""
	if dir != "." {
		prefix = dir + "/"
	}
	var out []entry
	seen := map[string]bool{}
	for i := range files {
		rest, ok := strings.CutPrefix(files[i].Path, prefix)
		if !ok || rest == "" {
			continue
		}
		if folder, _, deeper := strings.Cut(rest, "/"); deeper {
			if !seen[folder] {
				seen[folder] = true
				out = append(out, entry{name: folder})
			}
			continue
		}
		out = append(out, entry{name: rest, file: &files[i]})
	}
	slices.SortFunc(out, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	return out
}

// canonicalID is the spelling the job gave an output directory id that matches id case-insensitively.
func canonicalID(ids []string, id string) string {
	for _, c := range ids {
		if strings.EqualFold(c, id) {
			return c
		}
	}
	return id
}
