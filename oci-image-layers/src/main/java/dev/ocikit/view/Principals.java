package dev.ocikit.view;

import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;

/** Owners of entries, named by their numeric ids: an image has no user database of its own. */
final class Principals {
  private Principals() {}

  /** A user, named by its uid. */
  record User(String getName) implements UserPrincipal {
    @Override
    public String toString() {
      return getName;
    }
  }

  /** A group, named by its gid. */
  record Group(String getName) implements GroupPrincipal {
    @Override
    public String toString() {
      return getName;
    }
  }
}
