package dev.ocikit.view;

import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One entry of the index: metadata only, content as a range of the spill file. About 100 bytes plus
 * the name (a {@code String}) and, in its parent, a {@code TreeMap} entry (40 bytes).
 */
final class Node {
  static final byte FILE = 0;
  static final byte DIRECTORY = 1;
  static final byte SYMLINK = 2;
  static final byte FIFO = 3;
  static final byte CHAR_DEVICE = 4;
  static final byte BLOCK_DEVICE = 5;

  final String name;
  @Nullable Node parent;
  byte type;
  int mode;
  long uid;
  long gid;
  long mtimeSeconds;
  int mtimeNanos;
  @Nullable String link;
  @Nullable Map<String, byte[]> xattrs;

  /** The layer that last wrote it; -1 for the root as created. */
  int layer = -1;

  /** The layer whose entries created or wrote it ({@code added} of the applier); -1 for none. */
  int added = -1;

  /** The layer that wrote something below it (the applier's {@code holders}); -1 for none. */
  int holder = -1;

  /** A number shared by hardlinks only: {@code ino}. */
  long inode;

  /** A file's content: where it is in the spill file, and its length. */
  long offset;

  long size;

  int devMajor;
  int devMinor;

  /** A directory's children by name, in code point order. */
  @Nullable TreeMap<String, Node> children;

  Node(String name, byte type) {
    this.name = name;
    this.type = type;
    if (type == DIRECTORY) {
      children = new TreeMap<>(Node::compareNames);
    }
  }

  boolean isDirectory() {
    return type == DIRECTORY;
  }

  @Nullable Node child(String name) {
    TreeMap<String, Node> c = children;
    return c == null ? null : c.get(name);
  }

  /** The absolute path: "/" for the root. */
  String path() {
    if (parent == null) {
      return "/";
    }
    java.util.ArrayDeque<String> names = new java.util.ArrayDeque<>();
    for (Node n = this; n.parent != null; n = n.parent) {
      names.push(n.name);
    }
    StringBuilder s = new StringBuilder();
    for (String name : names) {
      s.append('/').append(name);
    }
    return s.toString();
  }

  /** Whether it is still in the tree: every node up to the root is its parent's child. */
  boolean attached(Node root) {
    Node n = this;
    while (n != root) {
      Node p = n.parent;
      if (p == null || p.child(n.name) != n) {
        return false;
      }
      n = p;
    }
    return true;
  }

  /** Names in Unicode code point order, which is also the UTF-8 byte order of tar names. */
  static int compareNames(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        boolean xs = Character.isSurrogate(x);
        boolean ys = Character.isSurrogate(y);
        if (xs != ys) {
          return xs ? 1 : -1; // a surrogate pair is above every BMP character
        }
        return x - y;
      }
    }
    return a.length() - b.length();
  }
}
