package suggest

import (
	"regexp"
	"strings"
)

// A theme named in passing is weaker evidence than one named where the text states its concern or
// asks for something. A coroner's concern narrates ("the samples were taken to the hospital") and
// then says what is wrong ("there was no process to…", "staff should…"); a recommendation is all
// request. So a keyword counts in full in an operative sentence, one that states a failing, a
// lack, a duty or a request (operativeWords), and at passingFactor elsewhere. A text with no
// operative sentence at all (a bare heading, "Ambulance response times") counts in full
// throughout: there the only sentence is the concern. So does a text of one or two sentences.
const passingFactor = 0.7

// minSentences: a text shorter than this is all concern (a recommendation of a sentence or two,
// "Review the referral pathway. She had also reported stalking."), so nothing in it is passing.
const minSentences = 3

var (
	operativeWords = regexp.MustCompile(`(?i)\b(should|must|ought|ensure|ensures|ensuring|recommend\w*|concern\w*|lack|lacking|lacked|failure|failures|fail|failed|fails|failing|no|not|none|neither|nor|nothing|never|absence|absent|without|insufficient|inadequate|inadequately|unclear|unaware|need|needs|needed|require|requires|required|requirement\w*|review|reviews|consider|considered|consideration|missed|delay|delays|delayed|deficienc\w*|poor|unable|inconsistent\w*|confusion|risk of|there is a risk|addressed?|improve\w*|implement\w*|introduce|develop|promulgate|remind|arrange)\b|n't\b`)
	// A sentence ends at a full stop, question or exclamation mark followed by a
	// space, or at a line break or bullet.
	sentenceEnd = regexp.MustCompile(`[.?!]\s+|\n+|\s[•▪●]\s*|\s[–-]\s`)
)

// operativeSpans returns the byte ranges of text's operative sentences, or the whole text when
// none is.
func operativeSpans(text string) [][2]int {
	var out [][2]int
	start, sentences := 0, 0
	ends := sentenceEnd.FindAllStringIndex(text, -1)
	ends = append(ends, []int{len(text), len(text)})
	for _, e := range ends {
		if e[1] <= start {
			continue
		}
		s := text[start:e[1]]
		if strings.TrimSpace(s) != "" {
			sentences++
			if operativeWords.MatchString(s) {
				out = append(out, [2]int{start, e[1]})
			}
		}
		start = e[1]
	}
	if out == nil || sentences < minSentences {
		return [][2]int{{0, len(text) + 1}}
	}
	return out
}

func inSpans(spans [][2]int, at int) bool {
	for _, s := range spans {
		if s[0] <= at && at < s[1] {
			return true
		}
	}
	return false
}
