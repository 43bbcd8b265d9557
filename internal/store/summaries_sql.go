package store

import (
	"database/sql"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/migrations"
)

// How the summaries' statements run, and the derived flags as SQL expressions.

// plain runs part with a copy of the scope whose statements, on PostgreSQL, run in a read-only
// transaction with JIT compilation off. A summary statement's estimated cost (a flag's EXISTS is
// costed once per row) easily passes jit_above_cost, and compiling then takes longer (half a
// second at 100k) than running the statement; the plans themselves are unchanged.
func (sc *summaryScope) plain(part func(*summaryScope) error) error {
	if sc.s.dialect != migrations.Postgres {
		return part(sc)
	}
	return sc.db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SET LOCAL jit = off").Error; err != nil {
			return translate(err)
		}
		c := *sc
		c.db = tx
		return part(&c)
	}, &sql.TxOptions{ReadOnly: true})
}

// flagCond is flagWhere's condition for flag as an expression on the current row of
// recommendations, to combine with others or to use inside a CASE. Testing the row itself (not
// "id IN (every recommendation with the flag)") keeps the flags to the filtered set: the
// planner no longer computes the flag over the whole table, once per parallel worker.
func (sc *summaryScope) flagCond(flag casereview.Flag) clause.Expression {
	q := flagWhere(sc.db.Session(&gorm.Session{NewDB: true}).Table("recommendations"), flag, sc.asOf)
	w, ok := q.Statement.Clauses["WHERE"].Expression.(clause.Where)
	if !ok || len(w.Exprs) == 0 {
		// flagWhere always adds a condition; without one the summary would count every row.
		panic(fmt.Sprintf("store: flagWhere(%s) built no WHERE clause", flag))
	}
	return joined{exprs: w.Exprs, sep: " AND "}
}

// overdueCond holds for the recommendations that are overdue for a response or an action. Use
// it as q.Where("?", cond) or inside a select ("CASE WHEN ? THEN ...").
func (sc *summaryScope) overdueCond() clause.Expression {
	return joined{exprs: []clause.Expression{sc.flagCond(casereview.FlagResponseOverdue), sc.flagCond(casereview.FlagActionOverdue)}, sep: " OR "}
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
