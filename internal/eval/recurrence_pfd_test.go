package eval

import (
	"regexp"
	"testing"
)

// The committed PFD judgements are well formed: keys only (16 hex digits, never text), each item
// once, and every named group holds at least two items (a group of one is a typo that would
// silently judge its pairs "different").
func TestPFDJudgementsAreWellFormed(t *testing.T) {
	js, err := readPFDJudged()
	if err != nil {
		t.Fatal(err)
	}
	if len(js) < 50 {
		t.Fatalf("%d judged items", len(js))
	}
	key := regexp.MustCompile(`^[0-9a-f]{16}$`)
	seen, groups := map[string]bool{}, map[string]int{}
	for _, j := range js {
		if !key.MatchString(j.key) || seen[j.key] {
			t.Errorf("key %q is malformed or repeated", j.key)
		}
		seen[j.key] = true
		if j.group != "-" {
			groups[j.group]++
		}
	}
	for g, n := range groups {
		if n < 2 {
			t.Errorf("group %s has one item", g)
		}
	}
	if samePFD(pfdJudged{key: "a", group: "-"}, pfdJudged{key: "b", group: "-"}) || !samePFD(pfdJudged{group: "x"}, pfdJudged{group: "x"}) {
		t.Error(`"-" items are each alone; items of one named group are the same`)
	}
}

// The tuning/held-out split keeps every named group inside one part, so that no "same" pair
// straddles it, and each part holds some same pairs.
func TestPFDSplitKeepsGroupsWhole(t *testing.T) {
	js, err := readPFDJudged()
	if err != nil {
		t.Fatal(err)
	}
	part := map[string]string{}
	same := map[string]int{}
	for _, j := range js {
		if j.group == "-" {
			continue
		}
		p := pfdPart(j)
		if q, ok := part[j.group]; ok && q != p {
			t.Errorf("group %s is in both parts", j.group)
		}
		part[j.group] = p
		same[p]++
	}
	if same["tuning"] == 0 || same["held-out"] == 0 {
		t.Fatalf("a part without judged groups: %v", same)
	}
}
