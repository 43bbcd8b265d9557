package pfdimport

import (
	"regexp"
	"strings"
)

// Recipients are the organisations a report was sent to, as printed: the tracker's clean
// "Sent to" list where the report joins the tracker, otherwise the report's own receiver field
// split into its organisations. Redacted names are removed and what is left of the recipient
// kept; nothing is cut short.
func (r Report) Recipients() []string {
	out, _ := r.recipients()
	return out
}

// namesRecipient: the tracker or the receiver field names a recipient beyond a redaction.
func (r Report) namesRecipient() bool {
	for _, s := range append(append([]string{}, r.SentTo...), r.Receiver) {
		if reWordOf3.MatchString(reRedacted.ReplaceAllString(s, "")) {
			return true
		}
	}
	return false
}

var reWordOf3 = regexp.MustCompile(`\p{L}{3,}`)

func (r Report) recipients() (out []string, fromTracker bool) {
	for _, s := range r.SentTo {
		out = append(out, SplitRecipient(s, false)...)
	}
	if len(out) > 0 {
		return dedupe(out), true
	}
	return SplitReceivers(r.Receiver), false
}

var (
	reRedacted = regexp.MustCompile(`(?i)\[?\s*redacted\s*\]?`)
	// A list marker in a receiver field: "1." "2)" "(3)" "a)" "4 ," "5 –" or a bare "6 " that
	// opens a line.
	reRecipMarker = regexp.MustCompile(`(?m)(?:^|[\s:;,])\(?(\d{1,2}|[a-h])(?:\)|\.|\s*,|\s+[-–]|\s)\s*`)
	rePageNumber  = regexp.MustCompile(`\s+\d{1,2}\.?$`)
	reSeparators  = regexp.MustCompile(`\s*[,;\n]\s*`)
	rePostcode    = regexp.MustCompile(`\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b`)
	reAddress     = regexp.MustCompile(`(?i)^\d|\b(road|street|lane|avenue|house|park|way|floor|square|place|hall|headquarters|building|drive|close|court|terrace|crescent|gardens|parade|wharf|quay|po box|sent (?:via|by))\b`)
	reOrgWord     = regexp.MustCompile(`(?i)\b(nhs|trusts?|council|police|constabulary|department|ministry|office|services?|agency|authority|commission|college|board|group|ltd|limited|plc|llp|hmp|hmyoi|prisons?|university|hospitals?|association|society|institute|institution|centre|center|practice|surgery|partnership|healthcare|care|homes?|foundation|network|rail|railways?|highways|company|corporation|federation|government|coroner|unit|team|clinic|school|academy|club|charity|organisation|directorate|inspectorate|ombudsman|commissioner|secretary of state|minister)\b`)
	reRolePrefix  = regexp.MustCompile(`(?i)^(?:the\s+)?(?:(?:acting|interim|deputy|national|regional|executive|group|senior|associate|divisional)\s+)*(?:chief executive(?:\s+officer)?|ceo|chief officer|medical director|managing director|clinical director|director|chair(?:man|woman|person)?|head|manager|governor|governing governor|chief constable|president|principal|registrar|clerk|chief nurse|chief medical officer|commissioner)(?:\s*\([^)]*\))?(?:\s+(?:of|for|at|to)\s+(?:the\s+)?|\s*[-–:]\s*|\s+)`)
	reRoleOnly    = regexp.MustCompile(`(?i)^(?:the\s+)?(?:(?:acting|interim|deputy|national|regional|executive|group|senior|associate|divisional)\s+)*(?:chief executive(?:\s+officer)?|ceo|chief officer|medical director|managing director|clinical director|director(?:\s+of\s+[\w ]+)?|chair(?:man|woman|person)?|head(?:\s+of\s+[\w ]+)?|manager|governor|chief constable|president|principal|registrar|clerk|chief nurse|medico-legal manager|consultant[\w ]*|care co-?ordinator)(?:\s*\([^)]*\))?\.?$`)
)

// SplitReceivers splits a report's receiver field into one recipient per organisation: it
// splits numbered and lettered lists ("1. … 2. …", "(1) … (2) …", "1 , … 2 , …"), semicolons,
// and then each part's lines and commas, keeping the parts that name organisations and
// dropping job titles, personal names and postal addresses around them.
func SplitReceivers(s string) []string {
	s = strings.ReplaceAll(CleanText(strings.ReplaceAll(s, "\r\n", "\n")), "•", "\n")
	var out []string
	for _, part := range splitNumbered(s) {
		for _, piece := range strings.Split(part, ";") {
			out = append(out, SplitRecipient(piece, true)...)
		}
	}
	return dedupe(out)
}

// splitNumbered splits s at a list numbered 1, 2, … (or a, b, …) in sequence; text before
// item 1 is a part of its own.
func splitNumbered(s string) []string {
	type mark struct{ start, end int }
	var best []mark
	for _, first := range []string{"1", "a"} {
		var chain []mark
		want := first
		for _, m := range reRecipMarker.FindAllStringSubmatchIndex(s, -1) {
			if s[m[2]:m[3]] != want || (len(chain) > 0 && m[0] < chain[len(chain)-1].end) {
				continue
			}
			chain = append(chain, mark{m[2], m[1]})
			if want[0] >= '0' && want[0] <= '9' {
				want = string(rune(want[0]+1)) + want[1:]
				if len(want) == 1 && want[0] > '9' {
					want = "10"
				}
			} else {
				want = string(rune(want[0] + 1))
			}
		}
		if len(chain) >= 2 && (best == nil || chain[0].start < best[0].start) {
			best = chain
		}
	}
	if best == nil {
		if m := reRecipMarker.FindStringSubmatchIndex(s); m != nil && m[0] == 0 && s[m[2]:m[3]] == "1" {
			return []string{s[m[1]:]} // a list of one
		}
		return []string{s}
	}
	parts := []string{s[:best[0].start]}
	for i, m := range best {
		end := len(s)
		if i+1 < len(best) {
			end = best[i+1].start
		}
		parts = append(parts, s[m.end:end])
	}
	return parts
}

// SplitRecipient turns one recipient as printed into the organisations it names. Redacted
// names are removed, keeping the rest. National bodies are found wherever they are named, and
// several in one recipient are several recipients. Without split (a tracker's clean name) the
// rest is kept whole unless it is a list beside a body; with split (a report's receiver field)
// it is divided at commas and line breaks into the parts that name organisations, dropping job
// titles, personal names and addresses. A recipient with no such part is kept whole, so
// nothing named is lost.
func SplitRecipient(s string, split bool) []string {
	s = strings.TrimSpace(reRedacted.ReplaceAllString(CleanText(s), " "))
	s = reJoinedLine.ReplaceAllString(s, "$1 ")
	bodies := findBodies(s)
	if !split && len(bodies) == 0 {
		if t := tidy(s); t != "" {
			return []string{t}
		}
		return nil
	}
	rest := s
	for _, b := range bodies {
		rest = rest[:b.start] + strings.Repeat("\x00", b.end-b.start) + rest[b.end:]
	}
	sep := reSeparators
	if !split {
		sep = reListSeparators
	}
	// The fragments between separators (none inside brackets), with their places in s.
	var frags []string
	var spans [][2]int
	at := 0
	for _, m := range append(outsideBrackets(rest, sep.FindAllStringIndex(rest, -1)), []int{len(rest), len(rest)}) {
		frags, spans = append(frags, rest[at:m[0]]), append(spans, [2]int{at, m[0]})
		at = m[1]
	}
	var out, orgs, all []string
	for i := 0; i < len(frags); i++ {
		if n := strings.Count(frags[i], "\x00"); n > 0 {
			// A body, with what stands beside it as part of its name ("Cleveland Police Roads
			// Policing Unit", "Chief Executive of NHS England"); several bodies run together
			// ("NHS England and the Department of Health") each on its own.
			if in := bodiesIn(bodies, s, spans[i][0], spans[i][1]); len(in) == 1 {
				out = append(out, stripTitle(tidy(s[spans[i][0]:spans[i][1]])))
			} else {
				out = append(out, in...)
			}
			continue
		}
		frag := tidy(frags[i])
		if frag == "" {
			continue
		}
		// "Tees, Esk and Wear Valley NHS Foundation Trust": places before an organisation.
		for split && i+1 < len(frags) && isPlace(frag) && !strings.Contains(frags[i+1], "\x00") && looksLikeOrg(tidy(frags[i+1])) {
			i++
			frag = frag + ", " + tidy(frags[i])
		}
		all = append(all, frag)
		if looksLikeOrg(frag) {
			orgs = append(orgs, stripRole(frag))
		}
	}
	switch {
	case len(orgs) > 0:
		out = append(out, orgs...)
	case len(out) == 0:
		// Nothing looks like an organisation ("Uber Eats", "Head of Safeguarding"): keep what
		// is not an address, whole.
		var keep []string
		for _, f := range all {
			if !rePostcode.MatchString(f) && !reAddress.MatchString(f) {
				keep = append(keep, f)
			}
		}
		if t := tidy(strings.Join(keep, ", ")); t != "" {
			out = append(out, stripRole(t))
		}
	}
	return dedupe(out)
}

var (
	// Beside a known body, a tracker's name is divided where a list would be.
	reListSeparators = regexp.MustCompile(`\s*(?:[,;/]|\s&\s|\band\b)\s*`)
	// A line break inside a name ("the Isle of\nWight") is a space.
	reJoinedLine = regexp.MustCompile(`(?i)\b(of|the|and|for|on|to|in|&)[ \t]*\n\s*`)
	rePlace      = regexp.MustCompile(`^[A-Z][\p{L}'-]*(?:\s+(?:and|&|[A-Z][\p{L}'-]*)){0,3}$`)
)

// isPlace: a short run of capitalised words that names no organisation, title or address.
func isPlace(f string) bool {
	return rePlace.MatchString(f) && !looksLikeOrg(f) && !reRoleOnly.MatchString(f) && !reAddress.MatchString(f) && !rePostcode.MatchString(f)
}

// looksLikeOrg: a fragment that names an organisation and is not an address or a bare title.
func looksLikeOrg(f string) bool {
	if rePostcode.MatchString(f) || reRoleOnly.MatchString(f) {
		return false
	}
	if reAddress.MatchString(f) && !strings.Contains(strings.ToLower(f), "nhs") {
		return false
	}
	return reOrgWord.MatchString(f)
}

// stripRole removes a job title before the organisation ("Chief Executive of …", "CEO - …"),
// unless the title is all there is or it is a minister's.
func stripRole(f string) string {
	if m := reRolePrefix.FindStringIndex(f); m != nil && m[1] < len(f) {
		if rest := tidy(f[m[1]:]); reOrgWord.MatchString(rest) {
			return rest
		}
	}
	return f
}

// stripTitle removes a job title before a national body's name ("Chief Executive of NICE").
func stripTitle(f string) string {
	if m := reRolePrefix.FindStringIndex(f); m != nil && m[1] < len(f) && len(findBodies(f[m[1]:])) > 0 {
		return tidy(f[m[1]:])
	}
	return f
}

// tidy trims the punctuation, page numbers and conjunctions left at a fragment's ends.
func tidy(s string) string {
	s = strings.Join(strings.Fields(strings.ReplaceAll(s, "\x00", " ")), " ")
	for {
		prev := s
		s = strings.Trim(s, " ,;:.-–—&/'\"")
		if strings.HasSuffix(s, ")") && strings.Count(s, "(") < strings.Count(s, ")") {
			s = strings.TrimSuffix(s, ")")
		}
		if strings.HasPrefix(s, "(") && strings.Count(s, "(") > strings.Count(s, ")") {
			s = strings.TrimPrefix(s, "(")
		}
		s = rePageNumber.ReplaceAllString(s, "")
		for _, w := range []string{"and ", "the ", "& "} {
			if len(s) > len(w) && strings.EqualFold(s[:len(w)], w) && w != "the " {
				s = s[len(w):]
			}
		}
		if strings.HasSuffix(strings.ToLower(s), " and") {
			s = s[:len(s)-4]
		}
		if s == prev {
			break
		}
	}
	if !strings.ContainsFunc(s, func(r rune) bool { return r > '9' }) {
		return "" // no letters: a number or punctuation left over
	}
	return s
}

func dedupe(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		if k := strings.ToLower(s); s != "" && !seen[k] {
			seen[k] = true
			out = append(out, s)
		}
	}
	return out
}

// outsideBrackets keeps the matches that are not inside round brackets.
func outsideBrackets(s string, ms [][]int) [][]int {
	var out [][]int
	for _, m := range ms {
		if strings.Count(s[:m[0]], "(") <= strings.Count(s[:m[0]], ")") {
			out = append(out, m)
		}
	}
	return out
}
