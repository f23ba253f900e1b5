// Package script is the emulator's deterministic stand-in for the bash that ran a Batch AI command line
// (a node's setup task, a job's preparation and its toolkit). Nothing is executed: the command line is
// interpreted just enough to decide what the real one would have printed, written and exited with, so
// that tests and demos can make a job or a node fail on purpose with an ordinary command line.
//
// The language is a small subset of sh:
//   - commands separated by newlines, ';', '&&' and '||' (with sh's short-circuit rules), and pipelines
//     with '|';
//   - words with single quotes (literal), double quotes and backslash escapes; $NAME, ${NAME} and $?
//     expand from the environment (unknown names expand to nothing); '#' starts a comment;
//   - redirections '>' and '>>' (to a file), '2>' and '2>>', '&>', '>&2' (or '1>&2') and '2>&1';
//   - NAME=value and export NAME=value set variables for the rest of the command line;
//   - echo [-n] [-e] prints its arguments; exit [N] stops with N; true and ':' succeed; false fails with 1;
//     sleep N[s|m|h|d] adds N to the run time; tee [-a] FILE... copies its input to the files and to its
//     output;
//   - every other command succeeds and prints nothing; inside a pipeline it passes its input through.
//
// The exit status is that of the last command run, as in sh.
package script

import (
	"strconv"
	"strings"
	"time"
)

// Result is what a command line did.
type Result struct {
	ExitCode int
	Stdout   string
	Stderr   string
	// Sleep is the sum of every sleep that ran.
	Sleep time.Duration
	// Files are the files the command line wrote (by redirection or tee), by path, with their final
	// content. Paths are as written after expansion; absolute ones are cleaned.
	Files map[string]string
	// Order lists the paths of Files in the order they were first written.
	Order []string
}

// Run interprets commandLine with the given environment (which it does not modify).
func Run(commandLine string, env map[string]string) Result {
	vars := make(map[string]string, len(env))
	for k, v := range env {
		vars[k] = v
	}
	in := &interp{vars: vars, res: Result{Files: map[string]string{}}}
	in.runList(parse(commandLine))
	in.res.ExitCode = in.status
	return in.res
}

type interp struct {
	vars   map[string]string
	status int
	exited bool
	res    Result
}

func (in *interp) runList(l list) {
	for _, item := range l {
		if in.exited {
			return
		}
		switch item.op {
		case opAnd:
			if in.status != 0 {
				continue
			}
		case opOr:
			if in.status == 0 {
				continue
			}
		}
		in.runPipeline(item.pipeline)
	}
}

func (in *interp) runPipeline(p pipeline) {
	var input *string
	for i, c := range p {
		last := i == len(p)-1
		out := in.runCommand(c, input, last)
		if in.exited {
			return
		}
		input = &out
	}
}

// target is where a stream goes: the job's stdout or stderr, the next command of a pipeline, or a file.
type target struct {
	kind   int // toStdout, toStderr, toPipe, toFile
	path   string
	append bool
}

const (
	toStdout = iota
	toStderr
	toPipe
	toFile
)

// runCommand runs one command of a pipeline and returns what it sends down the pipe.
func (in *interp) runCommand(c command, input *string, last bool) string {
	// As in sh, an unquoted word that expands to nothing is no argument at all ("exit $UNSET" is "exit").
	var words []string
	var raw []word
	for _, w := range c.words {
		if x := in.expand(w); x != "" || w.quoted() {
			words, raw = append(words, x), append(raw, w)
		}
	}
	out, errOut := target{kind: toStdout}, target{kind: toStderr}
	if !last {
		out.kind = toPipe
	}
	for _, r := range c.redirs {
		switch r.kind {
		case redirOut:
			out = target{kind: toFile, path: in.expand(r.file), append: r.append}
		case redirErr:
			errOut = target{kind: toFile, path: in.expand(r.file), append: r.append}
		case redirBoth:
			out = target{kind: toFile, path: in.expand(r.file), append: r.append}
			errOut = out
		case redirOutToErr:
			out = errOut
		case redirErrToOut:
			errOut = out
		}
	}
	var pipe strings.Builder
	emit := func(t target, s string) {
		switch t.kind {
		case toStdout:
			in.res.Stdout += s
		case toStderr:
			in.res.Stderr += s
		case toPipe:
			pipe.WriteString(s)
		case toFile:
			in.write(t.path, s, true)
		}
	}
	// A redirection creates (or truncates) its file even when nothing is written to it.
	for _, t := range []target{out, errOut} {
		if t.kind == toFile {
			in.write(t.path, "", t.append)
		}
	}
	stdout := func(s string) { emit(out, s) }
	stderr := func(s string) { emit(errOut, s) }

	// Leading NAME=value words are assignments; alone, they set variables for the rest of the line.
	assigns := 0
	for assigns < len(words) && isAssignment(raw[assigns], words[assigns]) {
		assigns++
	}
	if assigns == len(words) {
		for _, w := range words {
			k, v, _ := strings.Cut(w, "=")
			in.vars[k] = v
		}
		in.status = 0
		return pipe.String()
	}
	args := words[assigns:]
	in.status = 0
	switch args[0] {
	case "echo":
		in.echo(args[1:], stdout)
	case "exit":
		if len(args) > 1 {
			n, err := strconv.Atoi(args[1])
			if err != nil {
				stderr("exit: " + args[1] + ": numeric argument required\n")
				n = 2
			}
			in.status = n & 0xff
		} else {
			in.status = in.lastStatus()
		}
		in.exited = true
	case "true", ":":
	case "false":
		in.status = 1
	case "sleep":
		in.sleep(args[1:], stderr)
	case "export":
		for _, a := range args[1:] {
			if k, v, ok := strings.Cut(a, "="); ok && isName(k) {
				in.vars[k] = v
			}
		}
	case "tee":
		text := ""
		if input != nil {
			text = *input
		}
		appendMode := false
		for _, a := range args[1:] {
			if a == "-a" || a == "--append" {
				appendMode = true
				continue
			}
			in.write(a, "", appendMode)
			in.write(a, text, true)
		}
		stdout(text)
	default:
		// Any other program: it succeeds and prints nothing; in a pipeline, its input flows through.
		if input != nil {
			stdout(*input)
		}
	}
	in.vars["?"] = strconv.Itoa(in.status)
	return pipe.String()
}

// lastStatus is $? as the command line left it before the current command.
func (in *interp) lastStatus() int {
	n, _ := strconv.Atoi(in.vars["?"])
	return n
}

func (in *interp) echo(args []string, stdout func(string)) {
	newline, escapes := true, false
	for len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' && strings.Trim(args[0][1:], "neE") == "" {
		for _, f := range args[0][1:] {
			switch f {
			case 'n':
				newline = false
			case 'e':
				escapes = true
			case 'E':
				escapes = false
			}
		}
		args = args[1:]
	}
	text := strings.Join(args, " ")
	if escapes {
		text = strings.NewReplacer(`\n`, "\n", `\t`, "\t", `\\`, `\`).Replace(text)
	}
	if newline {
		text += "\n"
	}
	stdout(text)
}

func (in *interp) sleep(args []string, stderr func(string)) {
	for _, a := range args {
		d, ok := sleepDuration(a)
		if !ok {
			stderr("sleep: invalid time interval '" + a + "'\n")
			in.status = 1
			return
		}
		in.res.Sleep += d
	}
}

// sleepDuration reads GNU sleep's NUMBER[SUFFIX]: seconds, or s, m, h and d.
func sleepDuration(a string) (time.Duration, bool) {
	unit := time.Second
	num := a
	if n := len(a); n > 0 {
		switch a[n-1] {
		case 's':
			num = a[:n-1]
		case 'm':
			unit, num = time.Minute, a[:n-1]
		case 'h':
			unit, num = time.Hour, a[:n-1]
		case 'd':
			unit, num = 24*time.Hour, a[:n-1]
		}
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 || f > 1e6 {
		return 0, false
	}
	return time.Duration(f * float64(unit)), true
}

// write records text into the file at path: appended, or replacing its content when append is false.
func (in *interp) write(path, text string, appendTo bool) {
	path = cleanPath(path)
	if path == "" {
		return
	}
	prev, seen := in.res.Files[path]
	if !seen {
		in.res.Order = append(in.res.Order, path)
	}
	if !appendTo {
		prev = ""
	}
	in.res.Files[path] = prev + text
}

// cleanPath cleans an absolute path ("/a//b/../c" is "/a/c"); other paths are kept as written. /dev/null
// and the standard streams' device files are not files.
func cleanPath(p string) string {
	if strings.HasPrefix(p, "/") {
		p = "/" + strings.Join(splitClean(p), "/")
	}
	switch p {
	case "/dev/null", "/dev/stdout", "/dev/stderr":
		return ""
	}
	return p
}

func splitClean(p string) []string {
	var out []string
	for _, seg := range strings.Split(p, "/") {
		switch seg {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, seg)
		}
	}
	return out
}

func isName(s string) bool {
	if s == "" || (s[0] >= '0' && s[0] <= '9') {
		return false
	}
	for _, r := range s {
		if !isNameChar(r) {
			return false
		}
	}
	return true
}

func isNameChar(r rune) bool {
	return r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// isAssignment reports a NAME=value word whose name was written unquoted.
func isAssignment(w word, expanded string) bool {
	k, _, ok := strings.Cut(expanded, "=")
	return ok && isName(k) && len(w) > 0 && !w[0].quoted && strings.HasPrefix(w[0].text, k+"=")
}

// quoted reports a word with a quoted part: it is an argument even when empty (” or "$UNSET").
func (w word) quoted() bool {
	for _, p := range w {
		if p.quoted {
			return true
		}
	}
	return false
}

// expand joins a word's parts, replacing variables by their values.
func (in *interp) expand(w word) string {
	var b strings.Builder
	for _, p := range w {
		if p.variable {
			b.WriteString(in.vars[p.text])
		} else {
			b.WriteString(p.text)
		}
	}
	return b.String()
}
