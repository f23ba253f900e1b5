// Package docblocks reads the code blocks of the generated documentation (docs/) and the markers that say how
// the documentation check runs them. Its tests are that check: every HCL block is validated, the complete
// configurations are applied against the emulator with the provider installed by `make install`, and marked
// shell snippets run against what was applied (CONTRIBUTING.md, "Documentation", lists the markers).
//
// A marker is an HTML comment on the lines right before a block's opening fence (only blank lines may come
// between), which Markdown renders as nothing:
//
//	<!-- docs-check: partial -->
//
// Several markers go in one comment separated by ";", or in several comments.
package docblocks

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Features are the CLI features a block can require: import blocks by identity (Terraform and OpenTofu 1.12),
// list resources in .tfquery.hcl files, and action blocks (Terraform 1.14). The check asks the CLI whether it
// has them rather than keeping a table of versions.
var Features = []string{"identity", "query", "actions"}

// DefaultConfig is the configuration a block belongs to unless a `config NAME` marker says otherwise: the
// blocks of a page build one configuration, as a guide builds on its earlier blocks.
const DefaultConfig = "main"

// Block is one fenced code block of a page, with what its markers say.
type Block struct {
	Page     string // the page's path, e.g. docs/guides/drift-detection-in-ci.md
	Line     int    // the line of its opening fence (1-based)
	Language string // the fence's info string: terraform, hcl, sh, ...
	Text     string

	// Partial marks an excerpt that is no configuration on its own: only its HCL syntax is checked.
	Partial bool
	// CLIConfig marks a CLI configuration (~/.terraformrc), checked by loading it into the CLI.
	CLIConfig bool
	// Config names the configuration of the page the block is part of.
	Config string
	// ValidateOnly marks a configuration that is validated but not applied (it needs something the check
	// cannot give it, such as real Azure credentials).
	ValidateOnly bool
	// Needs names the fixtures the check creates before applying the configuration.
	Needs []string
	// Vars are values for the configuration's variables, as `-var NAME=VALUE` would give them; a value
	// "@PATH" is the content of that file ("~" is the home folder).
	Vars map[string]string
	// Requires names the CLI features the block needs (see Features): under a CLI without one of them the
	// block is left out of its configuration.
	Requires []string
	// File is the file name the block is written to in its configuration's folder ("" chooses one); a
	// ".tfquery.hcl" name makes it a query file (list resources).
	File string
	// Run marks a shell snippet that runs, with bash, in the folder of its configuration once it is applied.
	Run bool
	// ExpectExit is the exit status a Run snippet must end with.
	ExpectExit int
}

// IsHCL reports whether the block is Terraform code (the only blocks the check applies).
func (b Block) IsHCL() bool {
	return slices.Contains([]string{"terraform", "hcl", "tf"}, b.Language)
}

// Where is the block's page and line, for messages.
func (b Block) Where() string { return fmt.Sprintf("%s:%d", b.Page, b.Line) }

var (
	fencePattern  = regexp.MustCompile("^(```+|~~~+)[ \t]*([A-Za-z0-9_+-]*)")
	markerPattern = regexp.MustCompile(`^\s*<!--\s*docs-check:(.*?)-->\s*$`)
)

// Parse returns the fenced code blocks of a Markdown page, with their markers. A marker it does not know,
// or one that is not followed by a block, is an error: a typo must not silently turn a check off.
func Parse(page string, markdown []byte) ([]Block, error) {
	var blocks []Block
	var pending []string // markers waiting for their block
	pendingLine := 0
	sc := bufio.NewScanner(bytes.NewReader(markdown))
	sc.Buffer(make([]byte, 0, 64*1024), 4<<20)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if m := markerPattern.FindStringSubmatch(text); m != nil {
			if len(pending) == 0 {
				pendingLine = line
			}
			for _, part := range strings.Split(m[1], ";") {
				if p := strings.TrimSpace(part); p != "" {
					pending = append(pending, p)
				}
			}
			continue
		}
		m := fencePattern.FindStringSubmatch(text)
		if m == nil {
			if strings.TrimSpace(text) != "" && len(pending) > 0 {
				return nil, fmt.Errorf("%s:%d: docs-check marker %q is not followed by a code block", page, pendingLine, pending)
			}
			continue
		}
		b := Block{Page: page, Line: line, Language: strings.ToLower(m[2]), Config: DefaultConfig}
		var body []string
		closed := false
		for sc.Scan() {
			line++
			if isClosingFence(sc.Text(), m[1]) {
				closed = true
				break
			}
			body = append(body, sc.Text())
		}
		if !closed {
			return nil, fmt.Errorf("%s:%d: the code block is never closed", page, b.Line)
		}
		b.Text = strings.Join(body, "\n") + "\n"
		if err := b.apply(pending); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", page, pendingLine, err)
		}
		pending = nil
		blocks = append(blocks, b)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", page, err)
	}
	if len(pending) > 0 {
		return nil, fmt.Errorf("%s:%d: docs-check marker %q is not followed by a code block", page, pendingLine, pending)
	}
	return blocks, nil
}

// isClosingFence reports whether line closes a block opened with fence: the same character, at least as
// many times, and nothing else.
func isClosingFence(line, fence string) bool {
	t := strings.TrimSpace(line)
	return strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]) == ""
}

// apply sets what the markers say.
func (b *Block) apply(markers []string) error {
	for _, m := range markers {
		word, arg, _ := strings.Cut(m, " ")
		arg = strings.TrimSpace(arg)
		// A reason in parentheses may end any marker but var (whose value is taken as written).
		if i := strings.Index(arg, "("); word != "var" && i >= 0 && strings.HasSuffix(arg, ")") {
			arg = strings.TrimSpace(arg[:i])
		}
		switch word {
		case "partial":
			b.Partial = true
		case "cli-config":
			b.CLIConfig = true
		case "validate-only":
			b.ValidateOnly = true
		case "config":
			if arg == "" {
				return fmt.Errorf("docs-check marker %q needs a name", m)
			}
			b.Config = arg
		case "needs":
			if arg == "" {
				return fmt.Errorf("docs-check marker %q needs a fixture name", m)
			}
			b.Needs = append(b.Needs, strings.Fields(arg)...)
		case "var":
			name, value, ok := strings.Cut(arg, "=")
			if !ok || strings.TrimSpace(name) == "" {
				return fmt.Errorf("docs-check marker %q must be `var NAME=VALUE`", m)
			}
			if b.Vars == nil {
				b.Vars = map[string]string{}
			}
			b.Vars[strings.TrimSpace(name)] = value
		case "requires":
			for _, f := range strings.Fields(arg) {
				if !slices.Contains(Features, f) {
					return fmt.Errorf("docs-check marker %q: unknown feature %q (known: %s)", m, f, strings.Join(Features, ", "))
				}
				b.Requires = append(b.Requires, f)
			}
			if len(b.Requires) == 0 {
				return fmt.Errorf("docs-check marker %q needs a feature (%s)", m, strings.Join(Features, ", "))
			}
		case "file":
			if arg == "" || strings.ContainsAny(arg, `/\ `) || (!strings.HasSuffix(arg, ".tf") && !strings.HasSuffix(arg, ".tfquery.hcl")) {
				return fmt.Errorf("docs-check marker %q needs a plain file name ending in .tf or .tfquery.hcl", m)
			}
			b.File = arg
		case "run":
			b.Run = true
			if arg != "" {
				v, ok := strings.CutPrefix(arg, "expect=")
				n, err := strconv.Atoi(v)
				if !ok || err != nil {
					return fmt.Errorf("docs-check marker %q must be `run` or `run expect=N`", m)
				}
				b.ExpectExit = n
			}
		default:
			return fmt.Errorf("unknown docs-check marker %q (known: partial, cli-config, config NAME, validate-only, "+
				"needs FIXTURE, var NAME=VALUE, requires FEATURE, file NAME, run [expect=N])", m)
		}
	}
	if b.Run && b.IsHCL() {
		return fmt.Errorf("docs-check marker `run` is for shell snippets, not %s blocks", b.Language)
	}
	if (b.Partial || b.CLIConfig) && (b.ValidateOnly || len(b.Needs) > 0 || len(b.Vars) > 0 || b.Config != DefaultConfig) {
		return fmt.Errorf("a partial or cli-config block is in no configuration: config, validate-only, needs and var make no sense on it")
	}
	return nil
}

// Config is one configuration of a page: its HCL blocks in page order, and the shell snippets that run
// against it.
type Config struct {
	Page, Name   string
	Blocks       []Block
	Scripts      []Block
	ValidateOnly bool
	Needs        []string
	Vars         map[string]string
}

// Configs groups a page's blocks into its configurations, in the order each first appears. Partial and
// cli-config blocks, and unmarked non-HCL blocks, are in none.
func Configs(blocks []Block) []Config {
	var out []Config
	index := map[string]int{}
	for _, b := range blocks {
		if b.Partial || b.CLIConfig || (!b.IsHCL() && !b.Run) {
			continue
		}
		i, ok := index[b.Config]
		if !ok {
			i = len(out)
			index[b.Config] = i
			out = append(out, Config{Page: b.Page, Name: b.Config, Vars: map[string]string{}})
		}
		c := &out[i]
		if b.Run {
			c.Scripts = append(c.Scripts, b)
			continue
		}
		c.Blocks = append(c.Blocks, b)
		c.ValidateOnly = c.ValidateOnly || b.ValidateOnly
		for _, n := range b.Needs {
			if !slices.Contains(c.Needs, n) {
				c.Needs = append(c.Needs, n)
			}
		}
		for k, v := range b.Vars {
			c.Vars[k] = v
		}
	}
	return out
}
