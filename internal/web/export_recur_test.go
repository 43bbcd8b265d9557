package web

// SameRecurrence exposes the threshold to the external tests.
const SameRecurrence = sameRecurrence
