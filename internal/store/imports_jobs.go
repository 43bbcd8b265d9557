package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/casereview/casereview/internal/casereview"
)

type importJobRow struct {
	ID         string     `gorm:"column:id;primaryKey"`
	Kind       string     `gorm:"column:kind"`
	FileName   string     `gorm:"column:file_name"`
	DryRun     bool       `gorm:"column:dry_run"`
	Status     string     `gorm:"column:status"`
	Done       int        `gorm:"column:done"`
	Total      int        `gorm:"column:total"`
	ResultJSON *string    `gorm:"column:result_json"`
	ReportJSON *string    `gorm:"column:report_json"`
	Error      string     `gorm:"column:error"`
	CreatedBy  *string    `gorm:"column:created_by"`
	CreatedAt  time.Time  `gorm:"column:created_at"`
	FinishedAt *time.Time `gorm:"column:finished_at"`
}

func (importJobRow) TableName() string { return "import_jobs" }

func (r importJobRow) domain() casereview.ImportJob {
	j := casereview.ImportJob{ID: r.ID, Kind: r.Kind, FileName: r.FileName, DryRun: r.DryRun, Status: r.Status, Done: r.Done,
		Total: r.Total, Error: r.Error, CreatedBy: deref(r.CreatedBy), CreatedAt: r.CreatedAt.UTC(), Report: []casereview.ImportIssue{}}
	if r.FinishedAt != nil {
		t := r.FinishedAt.UTC()
		j.FinishedAt = &t
	}
	if r.ResultJSON != nil {
		var res casereview.ImportResult
		if json.Unmarshal([]byte(*r.ResultJSON), &res) == nil {
			j.Result = &res
		}
	}
	if r.ReportJSON != nil {
		_ = json.Unmarshal([]byte(*r.ReportJSON), &j.Report)
	}
	return j
}

// CreateImportJob records a queued import for the caller, who must be signed in; the request
// is audited. What the import writes is checked and audited when it runs.
func (s *Store) CreateImportJob(ctx context.Context, kind, fileName string, dryRun bool) (casereview.ImportJob, error) {
	a := actorOf(ctx)
	if !a.SignedIn() {
		return casereview.ImportJob{}, casereview.Unauthenticated()
	}
	if !casereview.CanStartImport(a) {
		return casereview.ImportJob{}, deny(ctx, "only panel members import reviews")
	}
	var p casereview.Problems
	if kind != "actionplan" && kind != "json" {
		p.Add("kind", casereview.FieldUnknownValue, "%q is not one of: actionplan, json", kind)
	}
	casereview.CheckText(&p, "file", fileName, false, 300)
	if err := p.Err(); err != nil {
		return casereview.ImportJob{}, err
	}
	row := importJobRow{ID: newID(), Kind: kind, FileName: fileName, DryRun: dryRun, Status: casereview.JobQueued, CreatedBy: optional(a.UserID)}
	err := s.inTx(ctx, func(t *tx) error {
		row.CreatedAt = t.now
		t.audit(casereview.AuditImportRequested, "import", row.ID, nil, map[string]any{"kind": kind, "file_name": fileName, "dry_run": dryRun})
		return t.db.Create(&row).Error
	})
	return row.domain(), err
}

// UpdateImportJob records progress or the end of a job. Only the job's creator's own runner
// calls it (the API starts it with the creator's context).
func (s *Store) UpdateImportJob(ctx context.Context, j casereview.ImportJob) error {
	cur, err := s.GetImportJob(ctx, j.ID)
	if err != nil {
		return err
	}
	if cur.CreatedBy != actorOf(ctx).UserID {
		return casereview.NotFound("import")
	}
	up := map[string]any{"status": j.Status, "done": j.Done, "total": j.Total, "error": j.Error}
	if j.Result != nil {
		b, _ := json.Marshal(j.Result)
		up["result_json"] = string(b)
	}
	if j.Report != nil {
		b, _ := json.Marshal(j.Report)
		up["report_json"] = string(b)
	}
	if j.FinishedAt != nil {
		up["finished_at"] = j.FinishedAt.UTC()
	}
	return translate(s.write.WithContext(ctx).Model(&importJobRow{}).Where("id = ?", j.ID).Updates(up).Error)
}

// GetImportJob returns a job to the user who started it, to oversight and to admins.
func (s *Store) GetImportJob(ctx context.Context, id string) (casereview.ImportJob, error) {
	id, ok := casereview.NormaliseID(id)
	if !ok {
		return casereview.ImportJob{}, casereview.NotFound("import")
	}
	var row importJobRow
	if err := s.read.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return casereview.ImportJob{}, notFoundAs(err, "import")
	}
	a := actorOf(ctx)
	if !casereview.CanReadImportJob(a, deref(row.CreatedBy)) {
		return casereview.ImportJob{}, casereview.NotFound("import")
	}
	return row.domain(), nil
}
