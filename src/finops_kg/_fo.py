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

    AlliedPersona: URIRef  # A persona from a neighbouring discipline, outside the FinOps practice itself, with which FinOps has to coordinate.
    Capability: URIRef  # A functional area of activity that supports one domain of the Framework, with its own personas, maturity characteristics, measures of success and links to other capabilities.
    CapabilityArea: URIRef  # A named part of a capability, under which its page groups a few related activities.
    Comparator: URIRef  # How a measured value is compared with a target value, such as at least or less than.
    CorePersona: URIRef  # A persona that takes part in every FinOps practice.
    Domain: URIRef  # A broad area of outcomes in a FinOps practice that groups related capabilities. Domains are not sequential and can all be active at once.
    Edition: URIRef  # One published revision of the FinOps Framework, such as the 2025 or the 2026 edition, against which the other elements are dated.
    Framework: URIRef  # The FinOps Framework as a whole: the body of guidance on managing the value of technology spending that the FinOps Foundation maintains and revises in editions.
    FrameworkElement: URIRef  # Anything that the FinOps Foundation publishes as part of the FinOps Framework. Every element points to the finops.org page it is taken from.
    FunctionalActivity: URIRef  # Something that one persona does within one capability, as listed on the capability's page.
    IntersectingDiscipline: URIRef  # An established IT management discipline, framework or team that FinOps meets and must work with, such as IT asset management or enterprise architecture.
    MaturityLevel: URIRef  # A step on the Framework's Crawl, Walk, Run scale, used to judge how far a capability or domain has developed.
    MaturityTarget: URIRef  # A numeric goal that characterises a maturity level: a metric, a comparator, a value and a unit, such as at least 70 percent of cost allocated to a known owner.
    Metric: URIRef  # A quantity that the Framework uses to measure a practice, such as the share of cost allocated to a known owner.
    Persona: URIRef  # A group of stakeholders who share goals and duties in a FinOps practice. A persona is a role, not a person: one person may act in several personas, and one persona may span many job titles.
    Phase: URIRef  # A stage of the iterative FinOps lifecycle. The phases repeat as a cycle, and different teams may be in different phases at once.
    Principle: URIRef  # A guiding belief of the FinOps practice. The Framework names six, meant to be followed together rather than in any order.
    Scope: URIRef  # A segment of technology spending that an organisation defines for its own decisions, aligned with business constructs such as a product, a cost centre or an environment. A scope may span several technology categories and decides which personas, domains and capabilities apply.
    TechnologyCategory: URIRef  # A kind of technology through which an organisation buys and consumes IT resources, with its own purchasing model, pricing, cost visibility and operating dynamics.
    activityOf: URIRef  # Relates a functional activity to the capability it belongs to.
    approximately: URIRef  # The measured value should be close to the target value; the Framework gives no tolerance.
    areaOf: URIRef  # Relates a named area to the capability it is part of.
    atLeast: URIRef  # The measured value must be greater than or equal to the target value.
    atLevel: URIRef  # Relates a maturity target or characteristic to the maturity level it describes.
    atMost: URIRef  # The measured value must be less than or equal to the target value.
    comparator: URIRef  # Relates a maturity target to the way a measured value must compare with the target value.
    editionOf: URIRef  # Relates an edition to the Framework it is a revision of.
    greaterThan: URIRef  # The measured value must be strictly greater than the target value.
    hasActivity: URIRef  # Relates a capability to one of its functional activities.
    hasArea: URIRef  # Relates a capability to one of its named areas.
    hasCapability: URIRef  # Relates a domain to a capability that it groups.
    hasEdition: URIRef  # Relates the Framework to one of its editions.
    inDomain: URIRef  # Relates a capability to the one domain it belongs to.
    inEdition: URIRef  # Relates a Framework element to an edition of the Framework that contains it.
    involvesPersona: URIRef  # Relates a capability to a persona that performs at least one of its functional activities. It is entailed from the activities, not asserted.
    lessThan: URIRef  # The measured value must be strictly less than the target value.
    metric: URIRef  # Relates a maturity target to the metric it sets a value for.
    nextLevel: URIRef  # Relates a maturity level to the level directly above it.
    nextPhase: URIRef  # Relates a phase to the phase that usually follows it in the lifecycle. The last phase leads back to the first.
    performedBy: URIRef  # Relates a functional activity to the persona that carries it out.
    permalink: URIRef  # The short, numbered finops.org address of an element's page, which stays valid when the page is renamed.
    rank: URIRef  # The position of a maturity level on the scale, from 1 for the lowest.
    representsDiscipline: URIRef  # Relates an allied persona to the intersecting discipline whose people it stands for.
    spansCategory: URIRef  # Relates a scope to a technology category whose spending it covers.
    supportsPrinciple: URIRef  # Relates a domain or a capability to a principle that the Framework says it puts into practice.
    tagline: URIRef  # The short heading that the Framework shows under an element's name, such as the theme of a phase.
    targetValue: URIRef  # The number that a maturity target compares a measured value with.
    typicalRole: URIRef  # A job title or role that the Framework names as typical of a persona.
    unit: URIRef  # Relates a maturity target to the unit of its target value, taken from the QUDT unit vocabulary.
