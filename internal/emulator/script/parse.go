package script

import "strings"

// part is a piece of a word: literal text, or the name of a variable to expand.
type part struct {
	text     string
	variable bool
	quoted   bool
}

// word is one argument before expansion.
type word []part

// Redirection kinds.
const (
	redirOut      = iota // > file, >> file, 1> file
	redirErr             // 2> file, 2>> file
	redirBoth            // &> file, &>> file
	redirOutToErr        // >&2, 1>&2
	redirErrToOut        // 2>&1
)

type redir struct {
	kind   int
	file   word
	append bool
}

type command struct {
	words  []word
	redirs []redir
}

// pipeline is commands joined by '|'.
type pipeline []command

// Operators that join the pipelines of a list.
const (
	opSeq = iota // first item, ';' or a newline
	opAnd        // &&
	opOr         // ||
)

type item struct {
	op       int
	pipeline pipeline
}

type list []item

// token is a word or an operator (";", "&&", "||", "|", or one of the redirection operators).
type token struct {
	op   string // "" for a word
	word word
}

// parse reads a command line into a list. It never fails: what it cannot read is taken literally, as the
// emulator must accept every command line the service accepted.
func parse(s string) list {
	var l list
	var cur command
	var pl pipeline
	op := opSeq
	endCommand := func() {
		if len(cur.words) > 0 || len(cur.redirs) > 0 {
			pl = append(pl, cur)
		}
		cur = command{}
	}
	endPipeline := func(next int) {
		endCommand()
		if len(pl) > 0 {
			l = append(l, item{op: op, pipeline: pl})
		}
		pl, op = nil, next
	}
	toks := tokenize(s)
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch t.op {
		case "":
			cur.words = append(cur.words, t.word)
		case ";", "\n", "&":
			endPipeline(opSeq)
		case "&&":
			endPipeline(opAnd)
		case "||":
			endPipeline(opOr)
		case "|":
			endCommand()
		case ">&2", "1>&2":
			cur.redirs = append(cur.redirs, redir{kind: redirOutToErr})
		case "2>&1":
			cur.redirs = append(cur.redirs, redir{kind: redirErrToOut})
		default: // a redirection to a file: the next word is the file
			if i+1 >= len(toks) || toks[i+1].op != "" {
				continue
			}
			i++
			r := redir{file: toks[i].word, append: strings.HasSuffix(t.op, ">>")}
			switch strings.TrimSuffix(strings.TrimSuffix(t.op, ">"), ">") {
			case "2":
				r.kind = redirErr
			case "&":
				r.kind = redirBoth
			default:
				r.kind = redirOut
			}
			cur.redirs = append(cur.redirs, r)
		}
	}
	endPipeline(opSeq)
	return l
}

// operators are matched longest first.
// A lone '&' (run in the background) is read as ';': the emulator runs everything in order.
var operators = []string{"1>&2", "2>&1", "&>>", "2>>", ">&2", "1>>", "&&", "||", "&>", "2>", "1>", ">>", ">", ";", "|", "\n", "&"}

func tokenize(s string) []token {
	var toks []token
	var w word
	inWord := false
	flush := func() {
		if inWord {
			toks = append(toks, token{word: w})
		}
		w, inWord = nil, false
	}
	lit := func(text string, quoted bool) {
		inWord = true
		if n := len(w); n > 0 && !w[n-1].variable && w[n-1].quoted == quoted {
			w[n-1].text += text
			return
		}
		w = append(w, part{text: text, quoted: quoted})
	}
	for i := 0; i < len(s); {
		c := s[i]
		if !inWord || strings.ContainsRune("&|;>\n12", rune(c)) {
			if op := matchOperator(s[i:], inWord); op != "" {
				flush()
				toks = append(toks, token{op: op})
				i += len(op)
				continue
			}
		}
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			flush()
			i++
		case c == '#' && !inWord:
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '\\' && i+1 < len(s):
			if s[i+1] != '\n' { // a backslash-newline continues the line
				lit(s[i+1:i+2], true)
			}
			i += 2
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				end = len(s) - i - 1
			}
			lit(s[i+1:i+1+end], true)
			inWord = true
			i += end + 2
		case c == '"':
			i = doubleQuoted(s, i+1, &w)
			inWord = true
		case c == '$':
			n, name := variable(s[i:])
			if name == "" {
				lit("$", false)
			} else {
				inWord = true
				w = append(w, part{text: name, variable: true})
			}
			i += n
		default:
			lit(s[i:i+1], false)
			i++
		}
	}
	flush()
	return toks
}

// matchOperator returns the operator s starts with. Inside a word, only operators that cannot be part of
// it count ("a>b" is "a" > "b", but the digit of "x2>f" belongs to the word).
func matchOperator(s string, inWord bool) string {
	for _, op := range operators {
		if !strings.HasPrefix(s, op) {
			continue
		}
		if inWord && (op[0] == '1' || op[0] == '2') {
			continue
		}
		return op
	}
	return ""
}

// doubleQuoted reads a double-quoted string starting after its opening quote, appends its parts to w and
// returns the index after the closing quote.
func doubleQuoted(s string, i int, w *word) int {
	add := func(text string) {
		if n := len(*w); n > 0 && (*w)[n-1].quoted && !(*w)[n-1].variable {
			(*w)[n-1].text += text
			return
		}
		*w = append(*w, part{text: text, quoted: true})
	}
	add("")
	for i < len(s) {
		switch c := s[i]; {
		case c == '"':
			return i + 1
		case c == '\\' && i+1 < len(s) && strings.ContainsRune(`"\$`+"`", rune(s[i+1])):
			add(s[i+1 : i+2])
			i += 2
		case c == '$':
			n, name := variable(s[i:])
			if name == "" {
				add("$")
			} else {
				*w = append(*w, part{text: name, variable: true, quoted: true})
			}
			i += n
		default:
			add(s[i : i+1])
			i++
		}
	}
	return i
}

// variable reads $NAME, ${NAME} or $? at the start of s and returns its length and name ("" when s holds
// no variable).
func variable(s string) (int, string) {
	if len(s) < 2 {
		return 1, ""
	}
	if s[1] == '?' {
		return 2, "?"
	}
	if s[1] == '{' {
		end := strings.IndexByte(s, '}')
		if end > 2 && isName(s[2:end]) {
			return end + 1, s[2:end]
		}
		return 1, ""
	}
	n := 1
	for n < len(s) && (s[n] == '_' || s[n] >= 'a' && s[n] <= 'z' || s[n] >= 'A' && s[n] <= 'Z' || n > 1 && s[n] >= '0' && s[n] <= '9') {
		n++
	}
	if n == 1 {
		return 1, ""
	}
	return n, s[1:n]
}
