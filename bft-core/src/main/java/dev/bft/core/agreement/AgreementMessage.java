package dev.bft.core.agreement;

/** A message of an agreement run, from one general to another. */
public interface AgreementMessage {
  int from();

  int to();

  /** The value as this message states it. */
  String value();

  /** One line for the round tables the command line prints. */
  String describe();
}
