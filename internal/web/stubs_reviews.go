package web

import "github.com/gin-gonic/gin"

// Screens still to be built; each answers "not found" until it is.

func (h *Handler) reviews(c *gin.Context)                { h.fail(c, errNotBuilt) }
func (h *Handler) newReviewForm(c *gin.Context)          { h.fail(c, errNotBuilt) }
func (h *Handler) newReview(c *gin.Context)              { h.fail(c, errNotBuilt) }
func (h *Handler) review(c *gin.Context)                 { h.fail(c, errNotBuilt) }
func (h *Handler) editReviewForm(c *gin.Context)         { h.fail(c, errNotBuilt) }
func (h *Handler) editReview(c *gin.Context)             { h.fail(c, errNotBuilt) }
func (h *Handler) newRecommendationForm(c *gin.Context)  { h.fail(c, errNotBuilt) }
func (h *Handler) newRecommendation(c *gin.Context)      { h.fail(c, errNotBuilt) }
func (h *Handler) editRecommendationForm(c *gin.Context) { h.fail(c, errNotBuilt) }
func (h *Handler) editRecommendation(c *gin.Context)     { h.fail(c, errNotBuilt) }
func (h *Handler) actionPlan(c *gin.Context)             { h.fail(c, errNotBuilt) }
