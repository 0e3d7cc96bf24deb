"""The YAML calendar: JCQ and awarding-body dates and rules, loaded into plain frozen models."""
