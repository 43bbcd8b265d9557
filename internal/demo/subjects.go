package demo

import "github.com/casereview/casereview/internal/casereview"

// Fictional subjects of the demo reviews (issue 15 §2), so that the equality pages have
// something to show: never names, every characteristic invented, some left not recorded as
// real records often are. Keyed by review key.
var demoSubjects = map[string][]casereview.SubjectDraft{
	"dhr-adult-d": {
		subj(casereview.SubjectVictim, "sex", "female", "age_band", "35_44", "ethnicity", "black_caribbean", "disability", "no",
			"sexual_orientation", "heterosexual", "religion", "christian", "immigration_status", "british_or_irish",
			"relationship", "former_partner", "children_in_household", "yes", "gender_identity", "same_as_sex"),
		subj(casereview.SubjectPerpetrator, "sex", "male", "age_band", "35_44", "ethnicity", "white_british"),
	},
	"dhr-mrs-f": {
		subj(casereview.SubjectVictim, "sex", "female", "age_band", "65_74", "ethnicity", "white_british", "disability", "yes",
			"religion", "no_religion", "immigration_status", "british_or_irish", "relationship", "current_partner", "children_in_household", "no"),
		subj(casereview.SubjectPerpetrator, "sex", "male", "age_band", "75_plus", "ethnicity", "white_british"),
	},
	"dhr-jasmine": {
		subj(casereview.SubjectVictim, "sex", "female", "age_band", "18_24", "ethnicity", "asian_pakistani", "religion", "muslim",
			"immigration_status", "visa", "relationship", "current_partner", "children_in_household", "yes"),
	},
	"cspr-child-k": {subj(casereview.SubjectChild, "sex", "male", "age_band", "under_18", "ethnicity", "mixed_white_black_caribbean", "children_in_household", "yes")},
	"cspr-children-l-m": {
		subj(casereview.SubjectChild, "sex", "female", "age_band", "under_18", "ethnicity", "white_roma", "children_in_household", "yes"),
		subj(casereview.SubjectChild, "sex", "male", "age_band", "under_18", "ethnicity", "white_roma", "children_in_household", "yes"),
	},
	"scr-child-r":  {subj(casereview.SubjectChild, "sex", "female", "age_band", "under_18", "ethnicity", "white_british")},
	"cdr-infant-s": {subj(casereview.SubjectChild, "sex", "male", "age_band", "under_18")},
	"sar-mr-t": {subj(casereview.SubjectAdultAtRisk, "sex", "male", "age_band", "55_64", "ethnicity", "white_british", "disability", "yes",
		"sexual_orientation", "gay_lesbian")},
	"sar-ms-v": {subj(casereview.SubjectAdultAtRisk, "sex", "female", "age_band", "45_54", "ethnicity", "black_african", "disability", "yes",
		"immigration_status", "asylum")},
}

func subj(role casereview.SubjectRole, kv ...string) casereview.SubjectDraft {
	d := casereview.SubjectDraft{Role: role, Traits: map[casereview.Characteristic]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		d.Traits[casereview.Characteristic(kv[i])] = kv[i+1]
	}
	return d
}

// DemoBaselinePartnership names the demo area whose baseline populations Baselines gives.
const DemoBaselinePartnership = "Eastmere Community Safety Partnership"

// Baselines are the demo area's fictional baseline populations, as the CSV an admin uploads,
// by characteristic.
var Baselines = map[string]string{
	"minoritised":  "group,population\nBlack and minoritised,41200\nWhite British,168800\n",
	"ethnic_group": "group,population\nasian,17500\nblack,8900\nmixed,5400\nwhite,176000\nother,2200\n",
	"sex":          "group,population\nfemale,107100\nmale,102900\n",
}

// BaselineSource is what the demo baselines say they come from.
const BaselineSource = "Fictional demo figures (not a real census table)"
