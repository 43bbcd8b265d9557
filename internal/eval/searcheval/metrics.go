package searcheval

import (
	"fmt"
	"math"

	"github.com/casereview/casereview/internal/eval"
)

// measures are one engine's figures on one query.
type measures struct {
	Judged   bool
	P10      float64 // relevant among the first 10 answers, over 10
	R50      float64 // relevant among the first 50, over the relevant (at most 50)
	NDCG10   float64 // binary gains, log2 discount, over the best possible order of the first 10
	Returned int
}

// measure computes the figures of one ranked answer against the relevant set. Recall is taken
// over at most 50 relevant recommendations, so a query with 300 relevant ones can still reach 1
// by returning 50 relevant ones: the measure is of ranking, not of how many exist.
func measure(ids []string, relevant map[string]bool) measures {
	m := measures{Judged: true, Returned: len(ids)}
	var hits10, hits50 int
	var dcg float64
	for i, id := range ids {
		if i >= topK {
			break
		}
		if !relevant[id] {
			continue
		}
		hits50++
		if i < precAt {
			hits10++
		}
		if i < ndcgAt {
			dcg += 1 / math.Log2(float64(i+2))
		}
	}
	var ideal float64
	for i := range min(len(relevant), ndcgAt) {
		ideal += 1 / math.Log2(float64(i+2))
	}
	m.P10 = float64(hits10) / precAt
	if n := min(len(relevant), topK); n > 0 {
		m.R50 = float64(hits50) / float64(n)
	}
	if ideal > 0 {
		m.NDCG10 = dcg / ideal
	}
	return m
}

// mean averages the judged queries among those chosen.
func mean(ms []measures, chosen func(i int) bool) (avg measures, n int) {
	for i, m := range ms {
		if !m.Judged || !chosen(i) {
			continue
		}
		avg.P10 += m.P10
		avg.R50 += m.R50
		avg.NDCG10 += m.NDCG10
		n++
	}
	if n > 0 {
		avg.P10 /= float64(n)
		avg.R50 /= float64(n)
		avg.NDCG10 /= float64(n)
	}
	return avg, n
}

func report(engines []engine, results [][]measures, relevant []map[string]bool, docs int) eval.Report {
	var rep eval.Report
	groups := []struct {
		name   string
		chosen func(i int) bool
	}{
		{"all", func(int) bool { return true }},
		{"plain (unquoted)", func(i int) bool { return !quoted(queries[i].Q) }},
		{"quoted", func(i int) bool { return quoted(queries[i].Q) }},
	}
	for _, k := range []string{kindTerm, kindPhrase, kindAbbrev, kindAgency, kindTypo} {
		groups = append(groups, struct {
			name   string
			chosen func(i int) bool
		}{k + "s", func(i int) bool { return queries[i].Kind == k }})
	}
	head := []string{"queries", "n", "P@10 ceiling"}
	for _, e := range engines {
		head = append(head, e.name+" P@10", e.name+" nDCG@10", e.name+" R@50")
	}
	summary := eval.Table{Caption: fmt.Sprintf("Means over the judged queries (%d recommendations searched; P@10 precision at 10, nDCG@10 binary gains, R@50 recall at 50 of at most 50 relevant):", docs), Header: head}
	for _, g := range groups {
		// A query with fewer than 10 relevant recommendations cannot reach P@10 = 1: the ceiling is
		// what a perfect ranking would score.
		var ceiling float64
		var judged int
		for i := range queries {
			if len(relevant[i]) >= minJudged && g.chosen(i) {
				ceiling += float64(min(len(relevant[i]), precAt)) / precAt
				judged++
			}
		}
		row := []string{g.name, fmt.Sprint(judged), eval.F(ceiling / float64(max(judged, 1)))}
		for e := range engines {
			avg, _ := mean(results[e], g.chosen)
			row = append(row, eval.F(avg.P10), eval.F(avg.NDCG10), eval.F(avg.R50))
		}
		summary.Rows = append(summary.Rows, row)
	}
	rep.Tables = append(rep.Tables, summary)

	head = []string{"query", "kind", "relevant"}
	for _, e := range engines {
		head = append(head, e.name+" P@10", "nDCG@10", "R@50")
	}
	per := eval.Table{Caption: "Per query:", Header: head}
	var unjudged []string
	for i, q := range queries {
		if len(relevant[i]) < minJudged {
			unjudged = append(unjudged, q.Q)
			continue
		}
		row := []string{"`" + q.Q + "`", q.Kind, fmt.Sprint(len(relevant[i]))}
		for e := range engines {
			m := results[e][i]
			row = append(row, eval.F(m.P10), eval.F(m.NDCG10), eval.F(m.R50))
		}
		per.Rows = append(per.Rows, row)
	}
	rep.Tables = append(rep.Tables, per)
	if len(unjudged) > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("Not measured (no relevant recommendation in this corpus): %q.", unjudged))
	}
	return rep
}
