package extract

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/casereview/casereview/internal/casereview"
)

// Proposal is one recommendation as found in a document, for a person to confirm, change or drop.
type Proposal struct {
	Number string // as the report numbers it: "3", "R3", "b", "023/14"
	Text   string
	Page   int // the page its number (or first line) is on, from 1
	// Heading is the line the report put above it ("Recommendation to the Director of …"),
	// kept because it often names the addressee.
	Heading    string
	Addressees []casereview.Organisation
	Themes     []casereview.ThemeSuggestion
	// Recalled marks a recommendation the report recalls from another investigation rather than
	// makes (see recalled.go): it is proposed unticked, for the panel to add only if it is theirs.
	Recalled bool
}

// Options are what the finder matches against.
type Options struct {
	Organisations []casereview.Organisation
	Suggester     casereview.ThemeSuggester
	Themes        []casereview.Theme
}

// Find proposes the recommendations of a document.
func Find(doc Document, opts Options) []Proposal {
	ls := doc.lines()
	props := findByID(ls)
	if len(props) == 0 {
		props = findInSections(ls)
	}
	m := newOrgMatcher(opts.Organisations)
	for i := range props {
		p := &props[i]
		p.Addressees = m.match(p.Heading + "\n" + p.Text)
		if opts.Suggester != nil && len(opts.Themes) > 0 {
			p.Themes = opts.Suggester.Suggest(p.Text, opts.Themes)
		}
	}
	return props
}

// --- recommendations that carry an identifier: "… (023/14)." (the TAIC form) ---

var (
	recIDRe     = regexp.MustCompile(`(?i)[(\[]\s*(?:recommendation\s+)?(\d{3})\s*/\s*(\d{2})\s*[)\]]`)
	paraNumRe   = regexp.MustCompile(`^\d{1,2}(?:\.\d{1,3})+\.?\s+`)
	onlyPunctRe = regexp.MustCompile(`^[\s.,;:)]*$`)
	subHeadRe   = regexp.MustCompile(`^(?:\d{1,2}(?:\.\d{1,3})*\.?\s+)?(?:(?i:(?:new|early|urgent|interim|final|preliminary|previous|other|safety)\s+)?(?i:recommendations?)\b|To\s+(?:the\s+)?[A-Z]|(?i:general|notice of recommendations?)\s*$)`)
)

// previousHeadRe heads the recommendations a report recalls from earlier reports, which are not
// its own.
var (
	previousHeadRe = regexp.MustCompile(`^[\d.]*(?:previous|earlier|past|existing|prior|related|other|historical)(?:safety)?recommendations?`)
	resetHeadRe    = regexp.MustCompile(`^[\d.]*(?:(?:new|early|urgent|interim|final|preliminary)(?:safety)?recommendations?|recommendations?(?:one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})?:?$|recommendations?(?:made|issued)?to[^:]*$)`)
	newHeadRe      = regexp.MustCompile(`^[\d.]*(?:new|early|urgent|interim|final|preliminary|safety|key|the)*(?:recommendations?|noticeofrecommendations?)(?:to|for|made|issued|$)`)
)

// squash lower-cases a line and drops its spaces: text taken from a PDF breaks words
// ("New r ecommendation"), so headings are recognised without them.
func squash(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), ""))
}

func headingText(s string) bool {
	return len(s) < 100 && !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, ",")
}

// idOccurrence is one place where an identifier ends a recommendation.
type idOccurrence struct {
	id       string
	line     int
	end      int  // byte offset in the line where the identifier ends
	previous bool // under a heading of recommendations made before ("Previous recommendations")
}

// findByID finds recommendations that end with an identifier in brackets. An identifier at the
// start of a line followed by more text is a reply quoting it ("(005/12) Accepted."), not a
// recommendation. An identifier seen more than once (an executive summary, then the
// recommendations section) is taken from the recommendations section when it has one. Those the
// report recalls from other investigations are proposed marked Recalled (recalled.go).
func findByID(ls []line) []Proposal {
	var occ []idOccurrence
	previous, prevDepth := false, 0
	for i, l := range ls {
		if headingText(l.text) && !tocRe.MatchString(l.text) {
			switch sq := squash(l.text); {
			case previousHeadRe.MatchString(sq) && !tocRe.MatchString(nextText(ls, i)):
				// (A contents entry that wrapped has its page number on the next line.)
				previous, prevDepth = true, headingDepth(l.text)
			case previous && resetHeadRe.MatchString(sq):
				previous = false
			case previous && prevDepth > 0 && numberedHeading(l.text) && headingDepth(l.text) <= prevDepth:
				// A numbered heading of recalled recommendations ends at the next heading of its
				// level or above.
				previous = false
			}
		}
		for _, m := range recIDRe.FindAllStringSubmatchIndex(l.text, -1) {
			if !onlyPunctRe.MatchString(l.text[m[1]:]) {
				continue
			}
			occ = append(occ, idOccurrence{id: l.text[m[2]:m[3]] + "/" + l.text[m[4]:m[5]], line: i, end: m[1], previous: previous})
		}
	}
	if len(occ) == 0 {
		return nil
	}
	sec := sectionIndex(ls)
	recalled := map[string]bool{} // ids the report lists among the recommendations made before
	for _, o := range occ {
		if o.previous {
			recalled[o.id] = true
		}
	}
	chosen := map[string]int{} // id -> index into occ
	var order []string
	for k, o := range occ {
		prev, seen := chosen[o.id]
		switch {
		case recalled[o.id] && !o.previous:
			// Recalled: the occurrence under the heading is the one shown.
		case !seen:
			chosen[o.id] = k
			order = append(order, o.id)
		case !recalled[o.id] && sec[occ[prev].line] < 0 && sec[o.line] >= 0:
			chosen[o.id] = k
		}
	}
	// When the report has a recommendations section with identifiers in it, an identifier met
	// only outside it is a recommendation the analysis recalls from elsewhere.
	anyInSection := false
	for _, id := range order {
		if !recalled[id] && sec[occ[chosen[id]].line] >= 0 {
			anyInSection = true
		}
	}
	if anyInSection {
		kept := order[:0]
		for _, id := range order {
			if recalled[id] || sec[occ[chosen[id]].line] >= 0 {
				kept = append(kept, id)
			}
		}
		order = kept
	}
	for id := range olderThanOwn(order, occ, chosen, sec, recalled) {
		recalled[id] = true
	}
	stops := map[int]bool{}
	for _, o := range occ {
		stops[o.line] = true
	}
	var out []Proposal
	for _, id := range order {
		o := occ[chosen[id]]
		text, heading, page := blockBefore(ls, o, stops)
		if !strings.Contains(strings.ToLower(text+" "+heading), "recommend") && len(text) < 40 {
			continue
		}
		out = append(out, Proposal{Number: id, Text: text, Page: page, Heading: heading, Recalled: recalled[id]})
	}
	return out
}

func nextText(ls []line, i int) string {
	for j := i + 1; j < len(ls); j++ {
		if !ls[j].blank() {
			return ls[j].text
		}
	}
	return ""
}

func prevText(ls []line, i int) string {
	for j := i - 1; j >= 0; j-- {
		if !ls[j].blank() {
			return ls[j].text
		}
	}
	return ""
}

func endsSentence(s string) bool {
	s = strings.TrimSpace(s)
	return s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, ":") || strings.HasSuffix(s, ")")
}

// blockBefore walks back from an identifier to where its recommendation starts: a numbered
// paragraph (included), or a heading, a line ending in a colon or another recommendation's
// identifier (excluded).
func blockBefore(ls []line, o idOccurrence, stops map[int]bool) (text, heading string, page int) {
	var parts []string
	page = ls[o.line].page
	const maxLines = 60
	for j := o.line; j >= 0 && o.line-j <= maxLines; j-- {
		l := ls[j]
		if j == o.line {
			l.text = strings.TrimSpace(recIDRe.ReplaceAllString(l.text[:o.end], ""))
		} else if stops[j] {
			break
		}
		if l.blank() {
			continue
		}
		if mk, ok := parseMarker(l.text); ok && subItem(mk) {
			// One of several lettered recommendations under a shared lead-in ("… recommended
			// that the Director: a. … (003/14) b. … (004/14)"): the lead-in and this item. When
			// no other item of the list carries an identifier and none follows this one, the
			// whole list is one recommendation ("… that the Director: (a) check … (b) satisfy
			// … (001/12)"), with its items' letters.
			below := append([]string(nil), parts...) // this item's lines under its marker, nearest the identifier first
			parts = append(parts, mk.rest)
			page = l.page
			shared := itemFollows(ls, o.line)
			list := []string{l.text}
			for k := j - 1; k >= 0 && j-k <= 30; k-- {
				mk, ok := parseMarker(ls[k].text)
				if stops[k] {
					if !(ok && subItem(mk)) {
						break
					}
					shared = true
				}
				t := ls[k].text
				if strings.HasSuffix(t, ":") {
					if shared {
						parts = append(parts, stripParaNum(t))
					} else {
						parts = append(append(below, list...), stripParaNum(t))
						if paraNumRe.MatchString(t) {
							page = ls[k].page
						} else {
							lead, p := leadIn(ls, k, stops)
							parts = append(parts, lead...)
							page = min(p, ls[k].page)
						}
					}
					break
				}
				if !ls[k].blank() {
					list = append(list, t)
				}
			}
			break
		}
		loc := paraNumRe.FindStringIndex(l.text)
		if j != o.line && loc == nil && strings.HasSuffix(l.text, ":") && !leadsIn(l.text) {
			heading = l.text
			break
		}
		if j != o.line && loc == nil && isSubHeading(l.text) && (j == 0 || endsSentence(prevText(ls, j))) {
			heading = l.text
			break
		}
		if loc != nil {
			parts = append(parts, l.text[loc[1]:])
			page = l.page
			break
		}
		parts = append(parts, l.text)
		page = l.page
	}
	for i, k := 0, len(parts)-1; i < k; i, k = i+1, k-1 {
		parts[i], parts[k] = parts[k], parts[i]
	}
	text = fromRecommending(strings.TrimRight(joinText(parts), " "))
	// The identifier came before the full stop; with it gone, the stop goes back.
	text = strings.TrimSuffix(strings.TrimSuffix(text, " ."), ".")
	if text != "" {
		text += "."
	}
	return text, heading, page
}

// recommendingRe starts a sentence in which someone recommends: "The Commission recommends",
// "On 3 May 2018, the Commission recommended", "It is recommended". A PDF's text can break the
// word ("recommend ed").
var (
	recommendingRe = regexp.MustCompile(`^(?:On\s+[^.;:]{3,30}?\d{4}\s*,?\s+)?(?:\S+\s+){0,5}?re\s?com\s?m\s?end(?:\s?s|\s?ed)?\b`)
	sentenceRe     = regexp.MustCompile(`[.!?]\s+[A-Z]`)
)

// fromRecommending starts the text at its first sentence that opens by recommending, when the
// text does not: the block above an identifier often runs on from the analysis ("… the culture
// had become normalised. On 21 February 2018 the Commission recommended that …") or from the
// reply to the recommendation before it. The first, not the last: a recommendation can go on
// "… It is also recommended that …".
func fromRecommending(text string) string {
	if recommendingRe.MatchString(text) {
		return text
	}
	for _, st := range sentenceRe.FindAllStringIndex(text, -1) {
		rest := text[st[1]-1:]
		if recommendingRe.MatchString(rest) && len(rest) >= 30 {
			return rest
		}
	}
	return text
}

func stripParaNum(t string) string {
	if loc := paraNumRe.FindStringIndex(t); loc != nil {
		return t[loc[1]:]
	}
	return t
}

// itemFollows says whether the first line after line i starts another lettered item.
func itemFollows(ls []line, i int) bool {
	for k := i + 1; k < len(ls); k++ {
		if !ls[k].blank() {
			mk, ok := parseMarker(ls[k].text)
			return ok && subItem(mk)
		}
	}
	return false
}

// leadIn is the start of the sentence that line k (ending in a colon) ends, nearest first, and
// the page it starts on: the lines above it back to a numbered paragraph's start (without its
// number), a sentence's end, a heading or another recommendation.
func leadIn(ls []line, k int, stops map[int]bool) (parts []string, page int) {
	page = ls[k].page
	for m := k - 1; m >= 0 && k-m <= 10; m-- {
		t := ls[m].text
		if ls[m].blank() || stops[m] || endsSentence(t) || strings.HasSuffix(t, ";") || isSubHeading(t) {
			break
		}
		page = ls[m].page
		if loc := paraNumRe.FindStringIndex(t); loc != nil {
			return append(parts, t[loc[1]:]), page
		}
		parts = append(parts, t)
	}
	return parts, page
}

// leadsInRe is a line ending in a colon that is the start of the recommendation itself ("… that
// he urge Transport Canada to:"), not a lead-in to several ("… made the following
// recommendations to the Director:").
var leadsOffRe = regexp.MustCompile(`(?i)\b(?:following|as follows|below|replied|responded|response|update[sd]?)\b`)

// leadsIn says whether a line ending in a colon is part of the recommendation ("… that he urge
// Transport Canada to:", "These rules should apply:") rather than a lead-in to several ("… made
// the following recommendations to the Director:") or to a reply.
func leadsIn(s string) bool { return !leadsOffRe.MatchString(s) && !isSubHeading(s) }

// subItem says whether a marker letters a sub-list rather than numbering paragraphs.
func subItem(m marker) bool {
	// Bullets list the parts of one recommendation; letters and roman numbers can each carry
	// an identifier of their own.
	if m.style == "bullet" || m.style == "dotted" || m.style == "rec" || m.style == "R" {
		return false
	}
	for _, c := range m.cands {
		if c.kind == "letter" || c.kind == "roman" {
			return true
		}
	}
	return false
}

func isSubHeading(s string) bool {
	if len(s) > 110 || strings.HasSuffix(s, ".") || strings.HasSuffix(s, ",") || strings.HasSuffix(s, ";") {
		return false
	}
	return subHeadRe.MatchString(s) || newHeadRe.MatchString(squash(s)) || previousHeadRe.MatchString(squash(s))
}

// --- recommendations under a heading, numbered in any style ---

var (
	// sectionHeadRe is a heading that opens a recommendations section. "Recommendation 3: …" is
	// an item, not a heading, so a heading's word is not followed by a number.
	sectionHeadRe = regexp.MustCompile(`(?i)^(?:(\d{1,2})(?:\.\d{1,2})*\.?\s+)?(?:(?:the\s+|our\s+|key\s+|safety\s+|new\s+|further\s+|urgent\s+|interim\s+|final\s+|summary\s+of\s+|single\s+agency\s+|multi-agency\s+|overview\s+report\s+)*recommendations?(?:\s+(?:and|&)\s+(?:actions?|learning))?(?:\s+(?:to|for|from|of|made)\b[^.]{0,60})?|(?:the\s+)?matters\s+of\s+concern|coroner['’]?s\s+concerns)\s*:?$`)
	tocRe         = regexp.MustCompile(`(?:\.{4,}|…{2,}|(?:\.\s){4,})|\s\d{1,3}$`)
	stopHeadRe    = regexp.MustCompile(`(?i)^(?:(?:\d{1,2}|[A-Z])(?:\.\d{1,2})*\.?\s+)?(?:references|bibliography|appendix|appendices|annex|glossary|action\s+should\s+be\s+taken|your\s+response|copies\s+and\s+publication|conclusions?|key\s+lessons|findings|citations|acknowledge?ments|signature|date\s*:|next\s+steps|how\s+to\s+respond)\b`)
)

// section is a run of lines under a recommendations heading.
type section struct{ start, end int } // lines [start, end)

// sectionHead matches a line that heads a recommendations section. A heading starts with a
// capital letter (after its number): "the recommendation:" or "recommendation to promote a …"
// is a sentence that a line break happened to cut there.
func sectionHead(t string) []string {
	m := sectionHeadRe.FindStringSubmatch(t)
	if m == nil || tocRe.MatchString(t) {
		return nil
	}
	for _, r := range strings.TrimLeft(t, "0123456789. \t") {
		if !unicode.IsUpper(r) {
			return nil
		}
		break
	}
	return m
}

func findSections(ls []line) []section {
	var out []section
	for i := 0; i < len(ls); i++ {
		t := ls[i].text
		m := sectionHead(t)
		if m == nil {
			continue
		}
		next := -1
		if m[1] != "" {
			n, _ := strconv.Atoi(m[1])
			next = n + 1
		}
		end := len(ls)
		for j := i + 1; j < len(ls); j++ {
			u := ls[j].text
			if u == "" {
				continue
			}
			if sectionHead(u) != nil {
				end = j
				break
			}
			if headingLike(u) && (stopHeadRe.MatchString(u) || (next > 0 && strings.HasPrefix(u, strconv.Itoa(next)) && topNumbered(u, next))) {
				end = j
				break
			}
		}
		out = append(out, section{start: i + 1, end: end})
		i = end - 1
	}
	return out
}

func headingLike(s string) bool {
	return len(s) <= 90 && !strings.HasSuffix(s, ",") && !strings.HasSuffix(s, ";") && !strings.HasSuffix(s, ".")
}

// topNumbered says whether s is numbered n as a top-level heading ("6 ACTION…", "6. References").
func topNumbered(s string, n int) bool {
	rest := strings.TrimPrefix(s, strconv.Itoa(n))
	rest = strings.TrimPrefix(rest, ".")
	if rest == "" || (rest[0] != ' ' && rest[0] != '\t') {
		return false
	}
	rest = strings.TrimSpace(rest)
	return rest != "" && (rest[0] >= 'A' && rest[0] <= 'Z') && !strings.HasSuffix(rest, ".")
}

// sectionIndex gives each line the number of the recommendations section it is in, from 0 in
// the document's order, or -1 outside them.
func sectionIndex(ls []line) []int {
	idx := make([]int, len(ls))
	for i := range idx {
		idx[i] = -1
	}
	for n, s := range findSections(ls) {
		for i := s.start; i < s.end; i++ {
			idx[i] = n
		}
	}
	return idx
}

func findInSections(ls []line) []Proposal {
	var out []Proposal
	for _, s := range findSections(ls) {
		out = append(out, splitItems(ls, s)...)
	}
	return out
}

// boilerplateRe is the preamble of a section that is not a recommendation (a coroner's report
// says the same words in every report).
var boilerplateRe = regexp.MustCompile(`(?i)(statutory duty to report|may issue,? or give notice of,? recommendations|issues recommendations to address|important that (?:these |this |the )?recommendation ?s? (?:are|is) implemented|\breplied\b|matters of concern are as follows|^\(brief summary of matters of concern\)$|the (?:review|panel) (?:makes|made|recommends) the following|following recommendations)`)

// splitItems splits a section into its numbered items. The first marker sets the style; a marker
// of the same style that continues the sequence starts the next item, and anything else (a
// sub-list "(a)" under "1.", a line that happens to start with a number) stays in the item.
func splitItems(ls []line, s section) []Proposal {
	var items []Proposal
	var cur []string
	var curItem *Proposal
	var style, kind string
	var prevVal, markIndent int
	afterBlank := false
	flush := func() {
		if curItem != nil {
			curItem.Text = joinText(cur)
			if curItem.Text != "" && !boilerplateRe.MatchString(head(curItem.Text, 160)) {
				items = append(items, *curItem)
			}
		}
		curItem, cur = nil, nil
	}
	var loose []line // text before the first marker
	for i := s.start; i < s.end; i++ {
		l := ls[i]
		if l.blank() {
			afterBlank = true
			continue
		}
		mk, ok := parseMarker(l.text)
		if ok && (style == "" || (mk.style == style && mk.follows(kind, prevVal))) {
			if style == "" {
				style = mk.style
				kind, prevVal = mk.start()
			} else {
				prevVal++
			}
			flush()
			label := mk.label
			if mk.style == "bullet" {
				label = strconv.Itoa(len(items) + 1)
			}
			curItem = &Proposal{Number: label, Page: l.page}
			cur = []string{mk.rest}
			markIndent = l.indent
			afterBlank = false
			continue
		}
		if curItem == nil {
			loose = append(loose, l)
			afterBlank = false
			continue
		}
		// In a laid-out PDF, a paragraph after a blank line that sits left of the item's number
		// is the section's closing text, not the item's.
		if afterBlank && markIndent > 0 && l.indent+2 < markIndent {
			break
		}
		cur = append(cur, l.text)
		afterBlank = false
	}
	flush()
	if len(items) > 0 || style != "" {
		// Numbered items, even if every one was boilerplate ("6.1 The Commission issues
		// recommendations …"): the text before them is a heading, not a recommendation.
		return items
	}
	// No numbering at all: the section's text, less its boilerplate, is one recommendation.
	var paras [][]string
	var para []string
	page := 0
	for _, l := range loose {
		if boilerplateRe.MatchString(l.text) {
			para = nil
			continue
		}
		if page == 0 {
			page = l.page
		}
		para = append(para, l.text)
	}
	if len(para) > 0 {
		paras = append(paras, para)
	}
	var all []string
	for _, p := range paras {
		all = append(all, p...)
	}
	if t := joinText(all); t != "" {
		return []Proposal{{Number: "1", Text: t, Page: page}}
	}
	return nil
}

// head is the start of s, at most n bytes.
func head(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
