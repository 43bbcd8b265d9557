package summaries

import (
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/store"
	"github.com/casereview/casereview/migrations"
)

// How the summaries' statements run, and the derived flags as SQL expressions.

// plain runs part with a copy of the scope whose statements run in a read of their own
// (store.Read) and, on PostgreSQL, with four settings of that transaction alone (set_config's
// is_local), each measured at 100k recommendations:
//   - jit off: a summary statement's estimated cost (a flag's EXISTS is costed once per row)
//     easily passes jit_above_cost, and compiling then takes longer (half a second at 100k) than
//     running the statement; the plans themselves are unchanged;
//   - random_page_cost 1.1 (the default 4 is for spinning disks): with 4 the planner read the
//     whole table (130 MB at 100k) rather than its covering index recommendations_summary (32 MB)
//     for a summary with no filter; 1.1 takes the index: theme pairs 110 -> 65 ms, the
//     population 83 -> 50 ms, the recent closures 53 -> 22 ms, trends 142 -> 100 ms;
//   - work_mem 32MB (the default 4MB): the organisations' join of every addressee to its
//     recommendation no longer spills its hash to disk: 380 -> 285 ms;
//   - no parallel workers (max_parallel_workers_per_gather 0): a page's or a document's parts
//     already run side by side, each statement in a read of its own, so workers of their own
//     oversubscribed the cores, and each worker repeats the plan's set-up (the headline on an idle
//     2-core machine: 120-190 ms with two workers, 82 ms without). In the benchmark's reporting
//     pages, the run before and the run after on the same machine (docs/performance.md), every
//     page got faster at p50: the dashboard 396 -> 260 ms, the cross-tab 217 -> 140, theme pairs
//     147 -> 80, trends 142 -> 84, organisations 374 -> 357.
//
// part must not call plain again: each read holds a connection of the pool.
func (sc *summaryScope) plain(part func(*summaryScope) error) error { return sc.read(false, part) }

// plainWithWorkers is plain but lets the planner use parallel workers: for a statement that is
// the slowest part of its page by far, which the other parts leave a core to: the dashboard's
// overdue tally (234 ms alone without workers, 171 ms with two) and the organisations' counts
// (284 and 187 ms).
func (sc *summaryScope) plainWithWorkers(part func(*summaryScope) error) error {
	return sc.read(true, part)
}

func (sc *summaryScope) read(workers bool, part func(*summaryScope) error) error {
	return sc.s.st.Read(sc.ctx, func(q store.Query) error {
		if q.Dialect() == migrations.Postgres {
			set := "SELECT set_config('jit', 'off', true), set_config('random_page_cost', '1.1', true), set_config('work_mem', '32MB', true)"
			if !workers {
				set += ", set_config('max_parallel_workers_per_gather', '0', true)"
			}
			if err := q.DB().Exec(set).Error; err != nil {
				return err
			}
		}
		c := *sc
		c.q, c.db = q, q.DB()
		return part(&c)
	})
}

// flagCond is flagWhere's condition for flag as an expression on the current row of
// recommendations, to combine with others or to use inside a CASE. Testing the row itself (not
// "id IN (every recommendation with the flag)") keeps the flags to the filtered set: the
// planner no longer computes the flag over the whole table, once per parallel worker.
func (sc *summaryScope) flagCond(flag casereview.Flag) clause.Expression {
	return whereOf(sc.q.FlagWhere(sc.fresh(), flag, sc.asOf), string(flag))
}

// overdueCond holds for the recommendations that are overdue for a response or an action
// (store.Query.OverdueWhere). Use it as q.Where("?", cond) or inside a select ("CASE WHEN ? THEN
// ...").
func (sc *summaryScope) overdueCond() clause.Expression {
	return whereOf(sc.q.OverdueWhere(sc.fresh(), sc.asOf), "overdue")
}

// fresh is a new statement over the recommendations table, to build a condition on.
func (sc *summaryScope) fresh() *gorm.DB {
	return sc.db.Session(&gorm.Session{NewDB: true}).Table("recommendations")
}

// whereOf is the WHERE condition q was narrowed by, as one expression.
func whereOf(q *gorm.DB, what string) clause.Expression {
	w, ok := q.Statement.Clauses["WHERE"].Expression.(clause.Where)
	if !ok || len(w.Exprs) == 0 {
		// The store always adds a condition; without one the summary would count every row.
		panic(fmt.Sprintf("summaries: the condition for %s built no WHERE clause", what))
	}
	return joined{exprs: w.Exprs, sep: " AND "}
}

// joined writes its expressions, each in parentheses, separated by sep, all in parentheses.
type joined struct {
	exprs []clause.Expression
	sep   string
}

func (j joined) Build(b clause.Builder) {
	if len(j.exprs) == 0 {
		b.WriteString("(1 = 1)")
		return
	}
	b.WriteByte('(')
	for i, e := range j.exprs {
		if i > 0 {
			b.WriteString(j.sep)
		}
		b.WriteByte('(')
		e.Build(b)
		b.WriteByte(')')
	}
	b.WriteByte(')')
}
