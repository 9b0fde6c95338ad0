package dev.ocikit.validation; final class Placeholder {}
