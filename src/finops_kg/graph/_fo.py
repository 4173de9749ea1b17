"""The fo: namespace as a closed DefinedNamespace: a misspelt term raises an error."""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef


class FO(DefinedNamespace):
    """
    The finops-kg ontology (fo:), one attribute per term.

    Generated from: ontology/finops-kg.ttl by `make namespace`; do not edit by hand.
    """

    _NS = Namespace("https://w3id.org/finops-kg/ontology#")

    _fail = True

    Added: URIRef  # The element first appears in the later edition.
    AlliedPersona: URIRef  # A persona from a neighbouring discipline, outside the FinOps practice itself, with which FinOps has to coordinate.
    Assessment: URIRef  # One sitting of a FinOps maturity assessment for one group: an organisation, an organisational unit or a scope, rated on one day against one edition of the Framework by named assessors and stakeholders, with the weight it gives each lens. Its capability assessments hold the scores. Assessments are the user's data, not the Framework's.
    AssessmentLens: URIRef  # A dimension along which a FinOps assessment rates a capability, such as knowledge or automation, with a score from 0 to 4.
    Capability: URIRef  # A functional area of activity that supports one domain of the Framework, with its own personas, maturity characteristics, measures of success and links to other capabilities.
    CapabilityArea: URIRef  # A named part of a capability, under which its page groups a few related activities.
    CapabilityAssessment: URIRef  # A user's record of how mature one organisational unit is in one capability at one time: a score for each assessment lens with the total it aims for, or the maturity level reached and, where set, the level it aims for. It may belong to an assessment, which then fixes its unit, date, edition and lens weights. Assessments are the user's data, not the Framework's.
    ChangeType: URIRef  # A kind of edition change, such as a rename or a removal.
    Comparator: URIRef  # How a measured value is compared with a target value, such as at least or less than.
    CorePersona: URIRef  # A persona that takes part in every FinOps practice.
    DefinitionChanged: URIRef  # The element keeps its name but its definition or scope changed.
    Domain: URIRef  # A broad area of outcomes in a FinOps practice that groups related capabilities. Domains are not sequential and can all be active at once.
    Edition: URIRef  # One published revision of the FinOps Framework, such as the 2025 or the 2026 edition, against which the other elements are dated.
    EditionChange: URIRef  # A recorded difference between two editions of the Framework for one element: it was renamed, added, removed, merged into another, moved to another domain, or had its definition changed.
    EditionName: URIRef  # The name that an element carried in one edition of the Framework, kept so that former names stay searchable and datable.
    FocusColumn: URIRef  # A column of one version of the FinOps Open Cost and Usage Specification (FOCUS), the billing data format that KPIs and capabilities draw on. Each version's columns are separate terms, so a column that changes between versions is not confused with its earlier form.
    Framework: URIRef  # The FinOps Framework as a whole: the body of guidance on managing the value of technology spending that the FinOps Foundation maintains and revises in editions.
    FrameworkElement: URIRef  # Anything that the FinOps Foundation publishes as part of the FinOps Framework. Every element points to the finops.org page it is taken from.
    FrameworkStatement: URIRef  # A Framework element that finops.org gives as a sentence rather than a name, such as an activity, a maturity characteristic or a measure of success. finops-kg records it by an rdfs:label that paraphrases the sentence in our own words.
    FunctionalActivity: URIRef  # Something that one persona does within one capability, as listed on the capability's page.
    IntersectingDiscipline: URIRef  # An established IT management discipline, framework or team that FinOps meets and must work with, such as IT asset management or enterprise architecture.
    KPI: URIRef  # A key performance indicator from the FinOps Foundation's KPI library: a named metric with a formula that measures one or more capabilities.
    LensScore: URIRef  # The score, a whole number from 0 to 4, that a capability assessment gives the capability through one assessment lens.
    LensScoreStep: URIRef  # One named step on the scale of an assessment lens: the score from 0 to 4 that it stands for and what a capability looks like through that lens at that score.
    LensWeight: URIRef  # How much one assessment lens counts in one assessment, as a share of 100; the weights of an assessment's five lenses add up to 100.
    MaturityCharacteristic: URIRef  # A trait that the Framework gives for one capability at one maturity level, describing what the capability looks like at that level.
    MaturityLevel: URIRef  # A step on the Framework's Crawl, Walk, Run scale, used to judge how far a capability or domain has developed.
    MaturityTarget: URIRef  # A numeric goal: a metric, a comparator, a value and a unit, such as at least 70 percent of cost allocated to a known owner. It belongs to a maturity level where the Framework gives one value per level; a target without a level holds at every level.
    MeasureOfSuccess: URIRef  # An outcome that the Framework lists for a capability as a sign that the capability is working.
    MergedInto: URIRef  # The element's content was folded into another element of the later edition.
    Metric: URIRef  # A quantity that the Framework uses to measure a practice, such as the share of cost allocated to a known owner.
    MovedDomain: URIRef  # The capability, or its content, belongs to a different domain in the later edition.
    Persona: URIRef  # A group of stakeholders who share goals and duties in a FinOps practice. A persona is a role, not a person: one person may act in several personas, and one persona may span many job titles.
    PersonaGroup: URIRef  # A set of personas that a capability page addresses together under one heading, such as the allied personas.
    Phase: URIRef  # A stage of the iterative FinOps lifecycle. The phases repeat as a cycle, and different teams may be in different phases at once.
    Principle: URIRef  # A guiding belief of the FinOps practice. The Framework names six, meant to be followed together rather than in any order.
    Removed: URIRef  # The element no longer appears in the later edition.
    Renamed: URIRef  # The element kept its meaning and identity but got a new name.
    Scope: URIRef  # A segment of technology spending that an organisation defines for its own decisions, aligned with business constructs such as a product, a cost centre or an environment. A scope may span several technology categories and decides which personas, domains and capabilities apply.
    SeenInFoundationRepository: URIRef  # Seen in a repository that the FinOps Foundation publishes itself, such as one of its GitHub repositories, rather than on finops.org.
    SeenInVerbatimCopy: URIRef  # Seen in a verbatim third-party copy of finops.org pages, such as the July 2026 crawl.
    SeenOnFinopsOrg: URIRef  # Seen on a stored copy of a finops.org page.
    SourceConfidence: URIRef  # How well a statement is supported by the sources: seen on finops.org, seen in a verbatim copy of finops.org, seen in a repository of the FinOps Foundation, seen in third-party sources only, or unconfirmed.
    TechnologyCategory: URIRef  # A kind of technology through which an organisation buys and consumes IT resources, with its own purchasing model, pricing, cost visibility and operating dynamics.
    ThirdPartyOnly: URIRef  # Seen only in third-party sources: corroboration, not proof.
    Unconfirmed: URIRef  # Not seen on finops.org; recorded with the place where it was seen.
    achievedLevel: URIRef  # Relates an assessment to the maturity level the unit has reached in the capability.
    activityOf: URIRef  # Relates a functional activity to the capability it belongs to.
    addressedTo: URIRef  # Relates a functional activity to the persona group whose heading it is listed under, such as the allied personas as a whole.
    approximately: URIRef  # The measured value should be close to the target value; the Framework gives no tolerance.
    areaOf: URIRef  # Relates a named area to the capability it is part of.
    assessedCapability: URIRef  # Relates an assessment to the capability it rates.
    assessedUnit: URIRef  # Relates an assessment or a capability assessment to the group it assesses: an organisation or organisational unit in the sense of W3C ORG, or a FinOps scope.
    atLeast: URIRef  # The measured value must be greater than or equal to the target value.
    atLevel: URIRef  # Relates a maturity target or characteristic to the maturity level it describes.
    atMost: URIRef  # The measured value must be less than or equal to the target value.
    changeSubject: URIRef  # Relates an edition change to the element that changed.
    changeTarget: URIRef  # Relates an edition change to the element the subject was merged into, or to the domain it moved to.
    changeType: URIRef  # Relates an edition change to its kind.
    characterises: URIRef  # Relates a maturity characteristic or a capability-specific maturity target to the capability it describes. Targets without it apply to the Framework as a whole.
    columnCategory: URIRef  # Whether a FOCUS column is a Dimension, which describes a charge, or a Metric, which quantifies it, as the specification classes it.
    comparator: URIRef  # Relates a maturity target to the way a measured value must compare with the target value.
    concernsPersona: URIRef  # Relates a functional activity to every persona it is meant for: the persona that performs it, or each member of the group it is addressed to. It is entailed, not asserted.
    confidence: URIRef  # Relates a statement, name or change record to how well the sources support it.
    contentGap: URIRef  # Says which expected content an element lacks in finops-kg, such as a KPI formula, and why: usually because no source available to finops-kg states it.
    dataSource: URIRef  # A kind of data that the KPI library names as an input to a KPI, kept as published.
    edition: URIRef  # Relates a name record to the edition in which the name was used.
    editionOf: URIRef  # Relates an edition to the Framework it is a revision of.
    evidence: URIRef  # What supports the scores of a capability assessment: a link to a document, or a short text such as the answers to the discovery questions.
    featureLevel: URIRef  # How strongly the specification asks providers to supply a FOCUS column: Mandatory, Recommended or Conditional.
    focusDataType: URIRef  # The data type that the specification gives a FOCUS column, such as Decimal or Date/Time, spelled as the specification spells it.
    focusVersion: URIRef  # The version of the specification that a FOCUS column term belongs to, such as 1.2.
    formula: URIRef  # How a KPI is calculated, kept exactly as the KPI library publishes it.
    fromEdition: URIRef  # Relates an edition change to the earlier edition it compares.
    greaterThan: URIRef  # The measured value must be strictly greater than the target value.
    hasActivity: URIRef  # Relates a capability to one of its functional activities.
    hasArea: URIRef  # Relates a capability to one of its named areas.
    hasCapability: URIRef  # Relates a domain to a capability that it groups.
    hasEdition: URIRef  # Relates the Framework to one of its editions.
    hasLensScore: URIRef  # Relates a capability assessment to one of its lens scores; a complete one has five, one for each lens.
    hasMember: URIRef  # Relates a persona group to a persona that belongs to it.
    inDomain: URIRef  # Relates a capability to the one domain it belongs to.
    inEdition: URIRef  # Relates a Framework element to an edition of the Framework that contains it, or an assessment to the edition whose capabilities it rates.
    introducedInVersion: URIRef  # The version of the specification in which a FOCUS column first appeared.
    involvesPersona: URIRef  # Relates a capability to a persona that performs at least one of its functional activities. It is entailed from the activities, not asserted.
    isRequired: URIRef  # True when every FOCUS dataset of the column's version must contain the column, that is when its feature level is Mandatory.
    lens: URIRef  # Relates a score step, a lens score or a lens weight to the assessment lens it belongs to.
    lensWeight: URIRef  # Relates an assessment to the weight it gives one of the five lenses.
    lessThan: URIRef  # The measured value must be strictly less than the target value.
    measures: URIRef  # Relates a KPI to a capability whose performance it measures, as the KPI library or the capability's page states.
    metric: URIRef  # Relates a maturity target to the metric it sets a value for.
    name: URIRef  # The exact name recorded by an edition name or edition change.
    nameInEdition: URIRef  # Relates an element to a record of the name it carried in one edition.
    newLabel: URIRef  # The name an element carries in the later edition of an edition change.
    nextLevel: URIRef  # Relates a maturity level to the level directly above it.
    nextPhase: URIRef  # Relates a phase to the phase that usually follows it in the lifecycle. The last phase leads back to the first.
    oldLabel: URIRef  # The name an element carried in the earlier edition of an edition change.
    partOfAssessment: URIRef  # Relates a capability assessment to the assessment in which it was scored.
    performedBy: URIRef  # Relates a functional activity to the persona that carries it out.
    permalink: URIRef  # The short, numbered finops.org address of an element's page, which stays valid when the page is renamed.
    primaryGoal: URIRef  # The main aim that the Framework gives for a persona, in our own words.
    providesInputTo: URIRef  # Relates a capability to another capability that uses its outputs, as stated on either capability's page, usually in its Inputs and Outputs section. Where a link rests on other text of a page, an editorial note on the capability it starts from says so.
    quantifies: URIRef  # Relates a numeric target to the measure of success whose number it makes queryable.
    rank: URIRef  # The position of a maturity level on the scale, from 1 for the lowest.
    relatedCapability: URIRef  # Relates two capabilities that finops-kg judges related, for example because a KPI measures both. It is derived by finops-kg, never stated by the FinOps Foundation, and lives in a separate named graph.
    representsDiscipline: URIRef  # Relates an allied persona to the intersecting discipline whose people it stands for.
    scopeDefinition: URIRef  # How an edition of the Framework defines a FinOps Scope, in our own words.
    score: URIRef  # A whole number from 0 to 4 on the scale of an assessment lens: the score a score step stands for, or the score a lens score gives.
    spansCategory: URIRef  # Relates a scope to a technology category whose spending it covers.
    successMeasureOf: URIRef  # Relates a measure of success to the capability it is listed for.
    supportsPrinciple: URIRef  # Relates a domain or a capability to a principle that the Framework says it puts into practice.
    tagline: URIRef  # The short heading that the Framework shows under an element's name, such as the theme of a phase.
    targetLevel: URIRef  # Relates an assessment to the maturity level the unit aims to reach in the capability.
    targetScore: URIRef  # The total of the five lens scores, from 0 to 20, that the assessed group aims to reach in the capability for the time being: enough for its present needs, not necessarily the maximum.
    targetValue: URIRef  # The number that a maturity target compares a measured value with.
    targetsCategory: URIRef  # Relates a KPI to a technology category that it is specific to.
    toEdition: URIRef  # Relates an edition change to the later edition it compares.
    typicalRole: URIRef  # A job title or role that the Framework names as typical of a persona.
    unit: URIRef  # Relates a maturity target to the unit of its target value, taken from the QUDT unit vocabulary.
    weight: URIRef  # The share of 100 that a lens weight gives its lens in an assessment.
