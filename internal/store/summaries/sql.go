package summaries

import (
	"fmt"
	"runtime"

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
func (sc *summaryScope) plain(part func(*summaryScope) error) error { return sc.read(part) }

// defaultShards is how many shards sharded splits a statement's recommendations into: one for
// each core, up to 4. Measured at 100k on the 2-core machine (docs/performance.md): the
// organisations' counts took 168 ms p50 in 1 shard, 105 in 2, 136 in 3, 165 in 4; the overdue
// tally 137, 78, 88 and 98 ms.
var defaultShards = min(max(runtime.NumCPU(), 1), 4)

// sharded runs part once for each shard of sc's filtered set, all at once, each in a plain read
// of its own, and returns each shard's rows: part(c, dst) gets the scope of one shard, whose
// recs() keeps only that shard's recommendations, and scans its rows into dst. The shards are
// ranges of the record key, a uniformly random number fixed for each recommendation (migration
// 00020), so each is a random share of any filtered set, and every recommendation is in exactly
// one. Use it for figures that add up over disjoint sets of recommendations, and add the shards'
// results up.
//
// It is for the slowest statement of a page, the one the page waits for: PostgreSQL's planner does
// not give these statements parallel workers of its own (it expects almost as many groups as
// rows, so it sees no gain in aggregating in the workers), and one statement uses one core. At
// 100k recommendations, alone on the quiet 2-core machine, two halves side by side took the
// organisations' counts from 168 to 105 ms and the dashboard's overdue tally from 137 to 78 ms
// (more CPU in all: each half reads every addressee).
func sharded[T any](sc *summaryScope, part func(c *summaryScope, dst *[]T) error) ([][]T, error) {
	n := max(sc.s.shards, 1)
	out := make([][]T, n)
	runs := make([]func() error, n)
	for i := range n {
		runs[i] = func() error {
			return sc.plain(func(c *summaryScope) error {
				c.shard = &shardRange{lo: i * casereview.RecordKeyModulus / n, hi: (i + 1) * casereview.RecordKeyModulus / n}
				return part(c, &out[i])
			})
		}
	}
	return out, parallel(runs...)
}

// addUp gathers the shards' rows into one row per key, in the order keys first appear, adding
// each later row of a key to the first with add.
func addUp[T any](shards [][]T, key func(T) string, add func(into *T, r T)) []T {
	var out []T
	at := map[string]int{}
	for _, rows := range shards {
		for _, r := range rows {
			if i, ok := at[key(r)]; ok {
				add(&out[i], r)
				continue
			}
			at[key(r)] = len(out)
			out = append(out, r)
		}
	}
	return out
}

// shardRange is a shard: the recommendations whose record key is in [lo, hi).
type shardRange struct{ lo, hi int }

// cond is the shard's condition on the current row of recommendations. SQLite's column may be
// NULL (its trigger fills it after the insert), which counts as key 0, as recordKey does.
func (r shardRange) cond(dialect string) string {
	col := "recommendations.record_key"
	if dialect != migrations.Postgres {
		col = recordKey
	}
	return fmt.Sprintf("%s >= %d AND %s < %d", col, r.lo, col, r.hi)
}

func (sc *summaryScope) read(part func(*summaryScope) error) error {
	return sc.s.st.Read(sc.ctx, func(q store.Query) error {
		if q.Dialect() == migrations.Postgres {
			const set = "SELECT set_config('jit', 'off', true), set_config('random_page_cost', '1.1', true), set_config('work_mem', '32MB', true), " +
				"set_config('max_parallel_workers_per_gather', '0', true)"
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
