package dev.switchboard.platform.check;

import dev.switchboard.platform.ApplicationModel;
import dev.switchboard.platform.config.PlatformConfig;

import java.util.List;

/** One rule of the pre-flip check: what a configuration risks in one respect, given what the application declares. */
@FunctionalInterface
interface CheckRule {

  /** The findings of this rule; none when the configuration is safe in its respect. Never starts anything. */
  List<Finding> findings(ApplicationModel application, PlatformConfig config);
}
