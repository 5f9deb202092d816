package io.taskflux.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class QuickStartTest {

  @Test
  void theReadmeSnippetChargesTheOrder() {
    assertEquals(new QuickStart.Receipt("order-1", "charged 4200 cents"), QuickStart.run());
  }
}
