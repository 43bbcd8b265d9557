package web

import "github.com/gin-gonic/gin"

// routes lists every page. Each group of screens lives in its own file; the URLs are the
// service's public interface (people bookmark and share them), so they are plain and stable.
func (h *Handler) routes(r *gin.Engine) {
	h.assetRoutes(r)

	// Signing in and out, the second factor, and the session (signin.go, mfa.go).
	r.GET("/sign-in", h.signInForm)
	r.POST("/sign-in", h.signIn)
	r.GET("/sign-in/code", h.codeForm)
	r.POST("/sign-in/code", h.code)
	r.GET("/account/authenticator", h.enrolForm)
	r.POST("/account/authenticator", h.enrol)
	r.POST("/sign-out", h.signOut)
	r.GET("/signed-out", h.signedOut)
	r.GET("/session/extend", h.extendSession)

	// The public transparency view, open to anyone and always anonymous (public.go,
	// public_figures.go).
	h.publicRoutes(r)

	// The person's own account: password, authenticator app, API tokens (account.go).
	h.accountRoutes(r)
	h.notificationRoutes(r) // the notification centre and email choices (notifications.go)

	// The audit trail, for oversight and admins (audit.go).
	h.auditRoutes(r)

	// Reporting for oversight: the dashboard and the explorer (dashboard.go, explore.go).
	h.reportingRoutes(r)
	h.savedSearchRoutes(r) // saved searches and follows (saved_searches.go)
	h.summaryRoutes(r)     // the thematic summary builder (summaries.go, summaries_saved.go)
	h.savedSummaryRoutes(r)
	h.reportScheduleRoutes(r) // scheduled reports of saved summaries and their runs (summary_schedules.go)

	// The theme taxonomy, read-only (themes.go).
	h.themeRoutes(r)

	// Administration: the hub and the registers admins keep (admin.go, admin_partnerships.go).
	h.adminRoutes(r)

	// Importing an action plan into a review (imports.go, imports_job.go).
	h.importRoutes(r)

	// Home: the caller's work list (work.go).
	r.GET("/", h.work)

	// Search (search.go).
	r.GET("/search", h.search)
	r.GET("/search.csv", func(c *gin.Context) { h.searchDownload(c, "csv") })
	r.GET("/search.xlsx", func(c *gin.Context) { h.searchDownload(c, "xlsx") })

	// A recommendation and everything done to it (recommendation.go, respond.go, actions.go,
	// evidence.go, evidence_withdraw.go, oversight.go, links.go, suggestions.go).
	r.GET("/recommendations/:id", h.recommendation)
	r.GET("/recommendations/:id/respond", h.respondForm)
	r.POST("/recommendations/:id/respond", h.respond)
	r.GET("/recommendations/:id/actions/new", h.newActionForm)
	r.POST("/recommendations/:id/actions/new", h.newAction)
	r.GET("/actions/:id/edit", h.editActionForm)
	r.POST("/actions/:id/edit", h.editAction)
	r.GET("/actions/:id/progress", h.progressForm)
	r.POST("/actions/:id/progress", h.progress)
	r.GET("/actions/:id/milestones/new", h.newMilestoneForm)
	r.POST("/actions/:id/milestones/new", h.newMilestone)
	r.GET("/milestones/:id/complete", h.completeMilestoneForm)
	r.POST("/milestones/:id/complete", h.completeMilestone)
	r.GET("/actions/:id/evidence/new", h.evidenceForm)
	r.POST("/actions/:id/evidence/new", h.addEvidence)
	r.GET("/evidence/:id/file", h.evidenceFile)
	r.GET("/evidence/:id/review", h.reviewEvidenceForm)
	r.POST("/evidence/:id/review", h.reviewEvidence)
	r.GET("/evidence/:id/withdraw", h.withdrawEvidenceForm)
	r.POST("/evidence/:id/withdraw", h.withdrawEvidence)
	r.GET("/recommendations/:id/assess", h.assessForm)
	r.POST("/recommendations/:id/assess", h.assess)
	r.GET("/recommendations/:id/links/new", h.linkForm)
	r.POST("/recommendations/:id/links/new", h.addLink)
	r.POST("/links/:id/remove", h.removeLink)
	r.POST("/recommendations/:id/themes/:code/:decision", h.decideSuggestion)

	// Reviews and their recommendations, for review panels (reviews.go, recommendation_edit.go).
	r.GET("/reviews", h.reviews)
	r.GET("/reviews/new", h.newReviewForm)
	r.POST("/reviews/new", h.newReview)
	r.GET("/reviews/:id", h.review)
	r.GET("/reviews/:id/edit", h.editReviewForm)
	r.POST("/reviews/:id/edit", h.editReview)
	r.GET("/reviews/:id/recommendations/new", h.newRecommendationForm)
	r.GET("/recommendations/earlier", h.earlier)
	r.GET("/recurring", h.recurring)
	r.POST("/reviews/:id/recommendations/new", h.newRecommendation)
	r.GET("/recommendations/:id/edit", h.editRecommendationForm)
	r.POST("/recommendations/:id/edit", h.editRecommendation)
	r.GET("/reviews/:id/action-plan", h.actionPlan)
	// A review's report and the recommendations drawn from it (reports.go).
	r.GET("/reviews/:id/report", h.reportUploadForm)
	r.POST("/reviews/:id/report", h.uploadReport)
	r.GET("/reports/:id/proposals", h.reportProposals)
	r.POST("/reports/:id/proposals", h.postReportProposals)
	r.GET("/reports/:id/file", h.reportFile)
	// The subjects of a review and the equality figures (subjects.go, equality.go).
	r.GET("/reviews/:id/subjects", h.subjects)
	r.GET("/reviews/:id/subjects/new", h.subjectForm)
	r.POST("/reviews/:id/subjects/new", h.saveSubject)
	r.GET("/reviews/:id/subjects/:sid/edit", h.subjectForm)
	r.POST("/reviews/:id/subjects/:sid/edit", h.saveSubject)
	r.GET("/reviews/:id/subjects/:sid/remove", h.removeSubjectForm)
	r.POST("/reviews/:id/subjects/:sid/remove", h.removeSubject)
}
