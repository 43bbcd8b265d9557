package recurrence

import (
	"strings"
	"unicode"
)

// A long recommendation or concern is mostly narrative (what happened, who said what) around a
// short ask (what should change). Two that ask for the same change share few words beyond the
// ask, so with Options.AskOver set, texts longer than that many sentences are compared by their
// ask alone (one function, used by Add, Assign and Nearest alike, so the journal follower and a
// full rebuild agree): the
// sentences that carry an ask cue (should, must, recommend, ensure, need to, a stated concern or
// lack, …), or, when none does, the last sentences. Short texts (every DHR-style recommendation
// of one or two sentences) are compared whole. The product's Default leaves AskOver at 0: on the
// PFD set the rule lost more same pairs than it found (docs/recurrence.md), so it is kept, tested
// and measured by make eval, but not switched on.

// Sentences splits text into sentences: at . ! ? ; followed by a space or the end, at a blank
// line, and before a bulleted or numbered line. A single line break (a wrapped line) is a space.
func Sentences(text string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			out = append(out, s)
		}
		cur.Reset()
	}
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for _, line := range lines {
		t := strings.TrimSpace(line)
		if t == "" || isListStart(t) {
			flush()
		}
		rs := []rune(t)
		for i, r := range rs {
			cur.WriteRune(r)
			if strings.ContainsRune(".!?;", r) && (i+1 == len(rs) || unicode.IsSpace(rs[i+1])) && !abbrev(rs[:i+1]) && !isListStart(strings.TrimSpace(cur.String())+" x") {
				flush()
			}
		}
		cur.WriteRune(' ')
	}
	flush()
	return out
}

// isListStart says whether a line opens a list item: "-", "•", "*", "1.", "(a)", "a)".
func isListStart(t string) bool {
	if strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "• ") || strings.HasPrefix(t, "* ") {
		return true
	}
	t = strings.TrimPrefix(t, "(")
	i := 0
	for i < len(t) && i < 3 && (t[i] >= '0' && t[i] <= '9' || t[i] >= 'a' && t[i] <= 'z' && i == 0) {
		i++
	}
	return i > 0 && i < len(t) && (t[i] == '.' || t[i] == ')') && i+1 < len(t) && t[i+1] == ' '
}

// abbrev says whether the word ending at a full stop is a common abbreviation (e.g., Dr., No.)
// rather than the end of a sentence.
func abbrev(rs []rune) bool {
	j := len(rs) - 1
	for j > 0 && !unicode.IsSpace(rs[j-1]) {
		j--
	}
	w := strings.ToLower(string(rs[j:]))
	switch w {
	case "e.g.", "i.e.", "dr.", "mr.", "mrs.", "ms.", "no.", "etc.", "cf.", "st.", "vs.", "para.":
		return true
	}
	return false
}

// askCues are words that mark a sentence as saying what should change (or what is lacking).
var askCues = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`should must recommend recommends recommended recommendation
		ensure ensures consider considered consideration review need needs needed required requires
		ought urge urged lack lacks lacking insufficient inadequate`) {
		askCues[w] = true
	}
}

// askTail is how many closing sentences stand for the ask when no sentence carries a cue.
const askTail = 2

// Ask returns the part of text that is compared: the whole text when it has at most over
// sentences (or over is 0), otherwise its ask sentences, in order.
func Ask(text string, over int) string {
	if over <= 0 {
		return text
	}
	sents := Sentences(text)
	if len(sents) <= over {
		return text
	}
	var keep []string
	for _, s := range sents {
		if hasCue(s) {
			keep = append(keep, s)
		}
	}
	if len(keep) == 0 {
		keep = sents[max(0, len(sents)-askTail):]
	}
	return strings.Join(keep, " ")
}

func hasCue(s string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if askCues[w] {
			return true
		}
	}
	return false
}
